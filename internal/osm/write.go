package osm

import (
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	pgeo "github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// UnnamedTag marks an asset whose name placemap made from its category
// because OSM gives none; the name is never written back.
const UnnamedTag = "placemap:unnamed"

// Element is one OSM object to write: a node, or a way with its nodes.
type Element struct {
	Type    string // node or way
	ID      int64  // negative for new objects
	Version int    // the OSM version a modify is based on; 0 for new
	Lat     float64
	Lon     float64
	Nodes   []int64 // way: node ids in order
	Tags    map[string]string
}

// Changes are what placemap offers back to OSM: new objects, and modified
// ones with their full tag sets, with the report of what was offered, what
// was not, and why.
type Changes struct {
	Create  []Element // new nodes first, then ways that use them
	Modify  []Element
	Offered []Offered // the assets in Create and Modify, and why each may go
	Blocked []Blocked // assets that may not or cannot go back, and why
	LeftOut []Blocked // assets nothing yet says OSM lacks: undecided, ambiguous, not conflated, changed since
	InOSM   int       // assets OSM has already: read from it unchanged, or linked to an object by a reviewer
	// Unmapped lists the keys of the offered assets' Tags that the tag
	// table does not map to OSM, and so were not written, with the assets
	// that hold them.
	Unmapped []UnmappedKey
	Sources  []string // attributions of the data contributed, for the changeset's source tag
}

// Offered is an asset in a contribution: the object it became and why it
// may go.
type Offered struct {
	Asset  place.Asset
	Action string // create or modify
	Type   string // node or way
	ID     int64  // the object's id in the file: negative for a new one
	Reason string
}

// Blocked is an asset left out of a contribution, and why.
type Blocked struct {
	Asset  place.Asset
	Reason string
}

// UnmappedKey is a key of assets' Tags that was not written to OSM.
type UnmappedKey struct {
	Key    string
	Assets []string // asset ids
}

// MayContribute reports whether an asset's licence lets it into OSM: the
// contributor's own survey, CC0, the Open Government Licence (with
// attribution in the changeset), or data that came from OSM (ODbL).
func MayContribute(licence string) (bool, string) {
	l := strings.ToUpper(strings.TrimSpace(licence))
	switch {
	case l == "":
		return false, "licence unknown: record it (own survey, CC0, OGL) before contributing"
	case strings.Contains(l, "OWN") || strings.HasPrefix(l, "CC0") || strings.HasPrefix(l, "OGL") || strings.HasPrefix(l, "ODBL"):
		return true, ""
	}
	return false, "licence " + licence + " is not compatible with the ODbL without the rights holder's permission"
}

// Standing is what conflation and review say about one asset held here:
// what Offerable decides by.
type Standing struct {
	// Verdict is what the last conflation run over the asset's area found
	// for it; nil when no run has covered it.
	Verdict *place.Verdict
	// Decision is the latest decision a reviewer made on an "only here"
	// line for it: accepted (offer it to OSM) or rejected (keep it out,
	// with the reason); nil for none.
	Decision *place.Proposal
	// Pending are the matched and ambiguous lines still waiting for a
	// person that name it, as the asset or a candidate.
	Pending []place.Proposal
	// Base is the OSM object's tags as placemap last read them (at the
	// version the asset's osm:version names), for an asset from OSM
	// edited here; nil when unknown.
	Base map[string]string
}

// Eligibility is what may become of an asset in a contribution.
type Eligibility int

// The eligibilities.
const (
	LeaveOut Eligibility = iota // nothing yet says OSM lacks it, or what it has: undecided
	Offer                       // a new object, or a modification of the one it came from
	Block                       // it may not go: its licence, or a reviewer kept it out
	InOSM                       // OSM has it already
)

// Offerable decides whether an asset may be offered to OSM, and why. It is
// the one rule for the osmChange and JOSM exports, from the command line
// and the API alike:
//
//   - an asset whose licence does not allow it (MayContribute), or that a
//     reviewer kept out of OSM (a rejected "only here" line, unless a
//     later decision offered it), is blocked, with why;
//   - an asset read from OSM and unchanged since, or linked to an OSM
//     object by a reviewer, is OSM's already;
//   - an asset named by a matched or ambiguous line still waiting for a
//     person is left out: undecided lines never reach OSM;
//   - an asset read from OSM and edited here is offered as a modification,
//     when placemap knows the object's tags at the version it is based on;
//   - any other asset is offered as new only if the last conflation run
//     over its area found no OSM counterpart within the matching radius,
//     or a reviewer accepted its "only here" line, and it has not changed
//     since; otherwise it is left out, saying what to do.
func Offerable(a place.Asset, s Standing) (Eligibility, string) {
	if ok, why := MayContribute(a.Licence); !ok {
		return Block, why
	}
	if d := s.Decision; d != nil && d.Status == place.Rejected {
		return Block, "kept out of OSM on review: " + d.Reason
	}
	fromOSM := strings.HasPrefix(a.SourceID, "osm:")
	if fromOSM && a.Version <= 1 {
		return InOSM, "read from OSM (" + a.SourceID + ") and unchanged since"
	}
	if ref := a.Tags[LinkTag]; ref != "" && !fromOSM {
		return InOSM, "linked to " + ref + " by a reviewer"
	}
	if len(s.Pending) > 0 { // left out while any is undecided; the first is named
		p := s.Pending[0]
		what := "matched to " + p.OSMRef
		if p.Outcome == place.OutcomeAmbiguous {
			what = "ambiguous among " + strings.Join(p.Candidates, ", ")
			if p.OSMRef != "" {
				what = p.OSMRef + " is ambiguous among " + strings.Join(p.Candidates, ", ")
			}
		}
		return LeaveOut, fmt.Sprintf("undecided: %s (conflation of %s), waiting for review", what, p.File)
	}
	if fromOSM {
		if s.Base == nil {
			return LeaveOut, "edited here, but placemap does not hold " + a.SourceID + "'s tags at version " + a.Tags[KeyVersion] + ": conflate a current extract and review the match"
		}
		return Offer, "read from OSM (" + a.SourceID + ") and edited here"
	}
	v := s.Verdict
	if v != nil && v.Outcome != place.OutcomeOnlyLocal {
		return LeaveOut, fmt.Sprintf("the last conflation over its area (%s) found %s within %g m; a reviewer has not linked them, and nothing says OSM lacks it",
			v.File, strings.Join(v.OSMRefs, ", "), RadiusM(a.Category))
	}
	if d := s.Decision; d != nil && d.Status == place.Accepted && d.AssetVersion == a.Version {
		return Offer, "offered to OSM on review (conflation of " + d.File + ")"
	}
	if v != nil && v.AssetVersion == a.Version {
		return Offer, fmt.Sprintf("no OSM counterpart within %g m in the last conflation over its area (%s)", RadiusM(a.Category), v.File)
	}
	if v != nil || s.Decision != nil {
		seen := s.Decision
		at := int64(0)
		if v != nil {
			at = v.AssetVersion
		} else if seen != nil {
			at = seen.AssetVersion
		}
		return LeaveOut, fmt.Sprintf("changed since the last conflation over its area read it (version %d, now %d): conflate again", at, a.Version)
	}
	return LeaveOut, "no conflation has covered its area: conflate an OSM extract that covers it first"
}

// Contribution builds the changes that give OSM what it lacks, deciding
// each asset by Offerable with its standing (none when absent): new
// objects with negative ids, and modifications of the nodes edited assets
// came from, their tags written through the tag table (WriteTags).
func Contribution(assets []place.Asset, standings map[string]Standing) Changes {
	b := contribution{next: -1, sources: map[string]bool{}, unmapped: map[string][]string{}}
	for _, a := range assets {
		b.add(a, standings[a.ID])
	}
	c := b.c
	for _, w := range b.ways {
		w.el.ID = b.newID()
		c.Offered[w.offer].ID = w.el.ID
		c.Create = append(c.Create, w.el)
	}
	for _, k := range slices.Sorted(maps.Keys(b.unmapped)) {
		c.Unmapped = append(c.Unmapped, UnmappedKey{Key: k, Assets: b.unmapped[k]})
	}
	c.Sources = slices.Sorted(maps.Keys(b.sources))
	return c
}

// contribution is Contribution under way.
type contribution struct {
	c        Changes
	next     int64               // the next new object's id
	sources  map[string]bool     // the attributions of what is offered
	unmapped map[string][]string // tag key → assets whose tag no OSM tag takes
	ways     []newWay            // new ways, given ids after every new node
}

// newWay is a way to create, waiting for its id.
type newWay struct {
	el    Element
	offer int // index into c.Offered
}

func (b *contribution) newID() int64 { id := b.next; b.next--; return id }

// add decides asset a, of standing s, and adds it where it goes.
func (b *contribution) add(a place.Asset, s Standing) {
	what, why := Offerable(a, s)
	switch what {
	case Block:
		b.c.Blocked = append(b.c.Blocked, Blocked{a, why})
		return
	case LeaveOut:
		b.c.LeftOut = append(b.c.LeftOut, Blocked{a, why})
		return
	case InOSM:
		b.c.InOSM++
		return
	}
	fromOSM := strings.HasPrefix(a.SourceID, "osm:")
	var base map[string]string
	if fromOSM {
		base = s.Base
	}
	tags, left := WriteTags(a, base)
	if a.Tags[UnnamedTag] == "yes" && (base == nil || base["name"] == "") {
		delete(tags, "name")
	}
	var offered bool
	if fromOSM {
		offered = b.modify(a, tags, why)
	} else {
		offered = b.create(a, tags, why)
	}
	if !offered {
		return
	}
	for _, k := range left {
		b.unmapped[k] = append(b.unmapped[k], a.ID)
	}
	if a.Attribution != "" {
		b.sources[a.Attribution] = true
	}
}

// modify offers the new tags of the OSM node asset a came from, or blocks
// a when it came from a way or relation; it reports whether a is offered.
func (b *contribution) modify(a place.Asset, tags map[string]string, why string) bool {
	typ, id, ok := parseRef(a.SourceID)
	if !ok || typ != Node {
		b.c.Blocked = append(b.c.Blocked, Blocked{a, "edited " + a.SourceID + ": tag changes on ways and relations need their node lists; make them in an OSM editor"})
		return false
	}
	v, _ := strconv.Atoi(a.Tags[KeyVersion])
	pt := pgeo.PointOnSurface(a.Geometry)
	b.c.Modify = append(b.c.Modify, Element{Type: Node, ID: id, Version: v, Lon: pt[0], Lat: pt[1], Tags: tags})
	b.c.Offered = append(b.c.Offered, Offered{Asset: a, Action: "modify", Type: Node, ID: id, Reason: why})
	return true
}

// create offers asset a as a new node, or a new way for a site of one
// ring, or blocks it; it reports whether a is offered.
func (b *contribution) create(a place.Asset, tags map[string]string, why string) bool {
	switch g := a.Geometry.(type) {
	case orb.Point:
		id := b.newID()
		b.c.Create = append(b.c.Create, Element{Type: Node, ID: id, Lon: g[0], Lat: g[1], Tags: tags})
		b.c.Offered = append(b.c.Offered, Offered{Asset: a, Action: "create", Type: Node, ID: id, Reason: why})
	case orb.Polygon:
		if len(g) != 1 {
			b.c.Blocked = append(b.c.Blocked, Blocked{a, "a site with holes needs a multipolygon: map it in an OSM editor"})
			return false
		}
		ring := g[0]
		if len(ring) > 1 && ring[0] == ring[len(ring)-1] {
			ring = ring[:len(ring)-1]
		}
		if len(ring) < 3 {
			b.c.Blocked = append(b.c.Blocked, Blocked{a, "a site of fewer than three corners: map it in an OSM editor"})
			return false
		}
		w := Element{Type: Way, ID: 0, Tags: tags}
		for _, p := range ring {
			id := b.newID()
			b.c.Create = append(b.c.Create, Element{Type: Node, ID: id, Lon: p[0], Lat: p[1], Tags: map[string]string{}})
			w.Nodes = append(w.Nodes, id)
		}
		w.Nodes = append(w.Nodes, w.Nodes[0])
		b.c.Offered = append(b.c.Offered, Offered{Asset: a, Action: "create", Type: Way, Reason: why})
		b.ways = append(b.ways, newWay{w, len(b.c.Offered) - 1})
	default:
		b.c.Blocked = append(b.c.Blocked, Blocked{a, "a site of several parts needs a multipolygon: map it in an OSM editor"})
		return false
	}
	return true
}

func parseRef(ref string) (typ string, id int64, ok bool) {
	rest, found := strings.CutPrefix(ref, "osm:")
	if !found {
		return "", 0, false
	}
	typ, idText, found := strings.Cut(rest, "/")
	if !found {
		return "", 0, false
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	return typ, id, err == nil
}

// WriteOsmChange writes the changes as an osmChange (.osc) document:
// <create> with negative ids for new objects, <modify> with full tag sets.
func WriteOsmChange(w io.Writer, c Changes) error {
	bw := &errWriter{w: w}
	bw.printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	bw.comment(c)
	bw.printf("<osmChange version=\"0.6\" generator=\"placemap\">\n")
	for _, group := range []struct {
		name string
		els  []Element
	}{{"create", c.Create}, {"modify", c.Modify}} {
		if len(group.els) == 0 {
			continue
		}
		bw.printf("  <%s>\n", group.name)
		for _, e := range group.els {
			bw.element(e, "")
		}
		bw.printf("  </%s>\n", group.name)
	}
	bw.printf("</osmChange>\n")
	return bw.err
}

// WriteJOSM writes the changes as a JOSM .osm file for review before
// upload: new objects with negative ids, modified ones marked
// action="modify".
func WriteJOSM(w io.Writer, c Changes) error {
	bw := &errWriter{w: w}
	bw.printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	bw.comment(c)
	bw.printf("<osm version=\"0.6\" generator=\"placemap\" upload=\"true\">\n")
	for _, e := range c.Create {
		bw.element(e, "")
	}
	for _, e := range c.Modify {
		bw.element(e, "modify")
	}
	bw.printf("</osm>\n")
	return bw.err
}

type errWriter struct {
	w   io.Writer
	err error
}

func (b *errWriter) printf(format string, args ...any) {
	if b.err == nil {
		_, b.err = fmt.Fprintf(b.w, format, args...)
	}
}

func (b *errWriter) comment(c Changes) {
	b.printf("<!-- placemap contribution: %d new, %d modified. Attribute in the changeset's source tag:", len(c.Create), len(c.Modify))
	for _, s := range c.Sources {
		b.printf(" %s;", xmlComment(s))
	}
	b.printf(" -->\n")
}

func xmlComment(s string) string { return strings.ReplaceAll(s, "--", "—") }

func esc(s string) string {
	var sb strings.Builder
	_ = xml.EscapeText(&sb, []byte(s))
	return strings.ReplaceAll(sb.String(), `"`, "&#34;")
}

func (b *errWriter) element(e Element, action string) {
	attrs := fmt.Sprintf(`id="%d"`, e.ID)
	if e.Version > 0 {
		attrs += fmt.Sprintf(` version="%d"`, e.Version)
	} else if action == "" && e.ID < 0 && b != nil {
		attrs += ` version="0"`
	}
	if action != "" {
		attrs += ` action="` + action + `"`
	}
	if e.Type == Node {
		attrs += fmt.Sprintf(` lat="%s" lon="%s"`, strconv.FormatFloat(e.Lat, 'f', 7, 64), strconv.FormatFloat(e.Lon, 'f', 7, 64))
	}
	keys := make([]string, 0, len(e.Tags))
	for k := range e.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 && len(e.Nodes) == 0 {
		b.printf("    <%s %s/>\n", e.Type, attrs)
		return
	}
	b.printf("    <%s %s>\n", e.Type, attrs)
	for _, n := range e.Nodes {
		b.printf("      <nd ref=\"%d\"/>\n", n)
	}
	for _, k := range keys {
		b.printf("      <tag k=\"%s\" v=\"%s\"/>\n", esc(k), esc(e.Tags[k]))
	}
	b.printf("    </%s>\n", e.Type)
}
