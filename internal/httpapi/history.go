package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb/geojson"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// fieldChange is one line of a readable diff.
type fieldChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// assetFields lays an asset out as the fields people compare.
func assetFields(a place.Asset) map[string]string {
	f := map[string]string{"name": a.Name, "category": a.Category, "status": string(a.Status), "address": a.Address,
		"postcode": a.Postcode, "opening_hours": a.OpeningHours, "phone": a.Phone, "email": a.Email,
		"website": a.Website, "operator": a.Operator, "licence": a.Licence, "source": a.Source}
	if a.Geometry != nil {
		g, _ := json.Marshal(geojson.NewGeometry(a.Geometry))
		f["geometry"] = string(g)
	}
	for k, v := range a.Tags {
		f["tags."+k] = v
	}
	return f
}

func diffAssets(before, after map[string]string) []fieldChange {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []fieldChange
	for k := range keys {
		if before[k] != after[k] {
			out = append(out, fieldChange{k, before[k], after[k]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func recordOf(r store.Revision) (place.Asset, error) {
	var rec store.AssetRecord
	if err := json.Unmarshal(r.Data, &rec); err != nil {
		return place.Asset{}, fmt.Errorf("revision %d: %w", r.Seq, err)
	}
	return rec.AssetOf()
}

func (s *Server) assetHistory(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	revs, err := s.store.Revisions(r.Context(), "asset", id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(revs) == 0 {
		s.fail(w, r, place.Errorf(place.ENOTFOUND, "no asset %q has ever existed", id))
		return
	}
	out := make([]map[string]any, len(revs))
	prev := map[string]string{}
	for i, rv := range revs {
		a, err := recordOf(rv)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		cur := assetFields(a)
		changes := diffAssets(prev, cur)
		if rv.Action == "delete" {
			changes = nil
		}
		out[i] = map[string]any{"seq": rv.Seq, "action": rv.Action, "author": rv.Author, "comment": rv.Comment,
			"created_at": rv.CreatedAt, "version": a.Version, "changes": changes}
		prev = cur
	}
	writeJSON(w, http.StatusOK, map[string]any{"asset": id, "revisions": out})
}

// restoreAsset brings back an asset as one of its revisions left it; the
// restore is itself a new revision. A deleted asset comes back too.
func (s *Server) restoreAsset(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	var body struct {
		Revision int64 `json:"revision"`
	}
	if !s.decodeBody(w, r, &body) {
		return
	}
	revs, err := s.store.Revisions(r.Context(), "asset", id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var target *store.Revision
	for i := range revs {
		if revs[i].Seq == body.Revision {
			target = &revs[i]
		}
	}
	if target == nil {
		s.fail(w, r, place.Errorf(place.ENOTFOUND, "asset %s has no revision %d", id, body.Revision))
		return
	}
	a, err := recordOf(*target)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, _ := principalOf(r)
	r = r.WithContext(store.WithChange(r.Context(), p.User.Email, fmt.Sprintf("restore revision %d", target.Seq)))
	cur, err := s.store.Asset(r.Context(), id)
	switch place.ErrorCode(err) {
	case "":
		v, ok := s.ifMatch(w, r)
		if !ok {
			return
		}
		if cur.Version != v {
			s.conflict(w, r, id, place.Errorf(place.ECONFLICT, "asset %s is at version %d, not %d", id, cur.Version, v))
			return
		}
		if _, err := s.store.UpdateAsset(r.Context(), a, v); err != nil {
			s.conflict(w, r, id, err)
			return
		}
	case place.ENOTFOUND:
		a.Version = 0
		if _, err := s.store.AddAssets(r.Context(), []place.Asset{a}); err != nil {
			s.fail(w, r, err)
			return
		}
	default:
		s.fail(w, r, err)
		return
	}
	s.writeAsset(w, r, id, http.StatusOK)
}

// changes is a change feed in the manner of RPDE: items in the order they
// changed, deletions as tombstones, and the URL of the next page.
func (s *Server) changes(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := allowParams(q, "since", "limit"); err != nil {
		s.fail(w, r, err)
		return
	}
	var since int64
	if v := q.Get("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			s.fail(w, r, place.Errorf(place.EINVALID, "since %q: want the seq of the last change seen, or 0", place.Excerpt(v)))
			return
		}
		since = n
	}
	limit, _, err := parsePage(q, 500, 1000)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	revs, err := s.store.Changes(r.Context(), since, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items := make([]map[string]any, len(revs))
	next := since
	for i, rv := range revs {
		item := map[string]any{"id": rv.EntityID, "kind": rv.Entity, "modified": rv.Seq, "state": "updated",
			"author": rv.Author, "at": rv.CreatedAt}
		if rv.Action == "delete" {
			item["state"] = "deleted"
		} else {
			item["data"] = rv.Data
		}
		items[i] = item
		next = rv.Seq
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items,
		"next": fmt.Sprintf("%s/api/changes?since=%d&limit=%d", s.baseURL(r), next, limit)})
}
