package httpapi

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
)

// people shows who did something. Stores record an account by its e-mail
// (or "placemap" for the program, "anonymous" for a visitor); everyone
// sees the account's display name, or its role ("an editor"), under
// KEY_name, and only admins also see the e-mail, under the key that always
// carried it (author, decided_by). One per request: it remembers lookups.
type people struct {
	s     *Server
	ctx   context.Context
	admin bool
	names map[string]string
}

func (s *Server) people(r *http.Request) *people {
	p, _ := principalOf(r)
	return &people{s: s, ctx: r.Context(), admin: p.User.Role == auth.Admin, names: map[string]string{}}
}

// publicPeople shows people as anyone but an admin sees them.
func (s *Server) publicPeople(ctx context.Context) *people {
	return &people{s: s, ctx: ctx, names: map[string]string{}}
}

// name is how the public sees an author as a store records it.
func (pp *people) name(author string) string {
	switch author {
	case "", "placemap", "anonymous":
		return author
	}
	if n, ok := pp.names[author]; ok {
		return n
	}
	n := "someone"
	u, err := pp.s.accounts.UserByEmail(pp.ctx, author)
	switch {
	case err == nil:
		n = u.PublicName()
	case place.ErrorCode(err) == place.ENOTFOUND:
		n = "a former account"
	}
	pp.names[author] = n
	return n
}

// set puts who into m: the public name under key+"_name", and for admins
// the address under key.
func (pp *people) set(m map[string]any, key, who string) {
	if who == "" {
		return
	}
	m[key+"_name"] = pp.name(who)
	if pp.admin {
		m[key] = who
	}
}

// revisionData is what a change feed shows of a revision's record: asset,
// area, place, set, indicator and series records as they are (they hold no
// account); a successor decision with its decider shown as set does; and
// nothing of any other record (accounts' own revisions among them) unless
// to an admin.
func (pp *people) revisionData(entity string, data json.RawMessage) (json.RawMessage, bool) {
	if pp.admin {
		return data, true
	}
	switch entity {
	case "asset", "area", "place", "boundary_set", "indicators", "series":
		return data, true
	case "area_successors":
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, false
		}
		by, _ := m["by"].(string)
		delete(m, "by")
		pp.set(m, "by", by)
		out, err := json.Marshal(m)
		return out, err == nil
	}
	return nil, false
}

// successor is a successor link as the public sees it: decided_by (an
// e-mail) for admins only, decided_by_name for everyone.
func (pp *people) successor(l place.Successor) (place.Successor, string) {
	name := ""
	if l.DecidedBy != "" {
		name = pp.name(l.DecidedBy)
	}
	if !pp.admin {
		l.DecidedBy = ""
	}
	return l, name
}

// changeReport is a release change report as the public sees it: in JSON,
// each link's decider under decided_by_name (and decided_by for admins);
// in CSV, whose columns are fixed, the decided_by column holds the public
// name unless an admin asks.
func (pp *people) changeReport(rep *reconcile.ChangeReport, csv bool) (any, error) {
	out := *rep
	out.Changes = make([]place.AreaChange, len(rep.Changes))
	for i, c := range rep.Changes {
		c.Successors = pp.links(c.Successors, csv)
		c.Predecessors = pp.links(c.Predecessors, csv)
		out.Changes[i] = c
	}
	if csv {
		return &out, nil
	}
	// Add decided_by_name beside each link's other fields.
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	changes, _ := m["changes"].([]any)
	for i, c := range changes {
		cm, _ := c.(map[string]any)
		for _, key := range []string{"successors", "predecessors"} {
			ls, _ := cm[key].([]any)
			src := rep.Changes[i].Successors
			if key == "predecessors" {
				src = rep.Changes[i].Predecessors
			}
			for j, l := range ls {
				lm, _ := l.(map[string]any)
				if lm != nil && j < len(src) && src[j].DecidedBy != "" {
					lm["decided_by_name"] = pp.name(src[j].DecidedBy)
				}
			}
		}
	}
	return m, nil
}

func (pp *people) links(ls []place.Successor, csv bool) []place.Successor {
	if ls == nil {
		return nil
	}
	out := make([]place.Successor, len(ls))
	for i, l := range ls {
		if csv && !pp.admin && l.DecidedBy != "" {
			l.DecidedBy = pp.name(l.DecidedBy)
		} else if !csv {
			l, _ = pp.successor(l)
		}
		out[i] = l
	}
	return out
}
