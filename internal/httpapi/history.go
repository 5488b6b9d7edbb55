package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"

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
func assetFields(a place.Asset) map[string]string { return place.FieldValues(a) }

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

// assetStates reads the asset each revision left, oldest first. A
// deletion keeps the asset as it was deleted; a deletion recorded before
// placemap kept that (only the id and version) is read as the state before
// it, which is what it deleted.
func assetStates(revs []store.Revision) ([]place.Asset, error) {
	out := make([]place.Asset, len(revs))
	for i, rv := range revs {
		a, err := recordOf(rv)
		if err != nil && rv.Action == "delete" && legacyDeletion(rv) {
			if i == 0 {
				return nil, fmt.Errorf("revision %d: a deletion with no earlier revision", rv.Seq)
			}
			a, err = out[i-1], nil
		}
		if err != nil {
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// legacyDeletion reports whether a deletion's record is the old kind that
// named only the asset's id and version.
func legacyDeletion(rv store.Revision) bool {
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(rv.Data, &rec); err != nil {
		return false
	}
	_, hasGeometry := rec["geometry"]
	return !hasGeometry
}

func (s *Server) assetHistory(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	revs, err := s.history.Revisions(r.Context(), "asset", id)
	if err != nil {
		return err
	}
	if len(revs) == 0 {
		return place.Errorf(place.ENOTFOUND, "no asset %q has ever existed", id)
	}
	states, err := assetStates(revs)
	if err != nil {
		return err
	}
	pp := s.people(r)
	out := make([]map[string]any, len(revs))
	prev := map[string]string{}
	for i, rv := range revs {
		a := states[i]
		cur := assetFields(a)
		changes := diffAssets(prev, cur)
		if rv.Action == "delete" {
			changes = []fieldChange{}
		}
		item := map[string]any{"seq": rv.Seq, "action": rv.Action, "comment": rv.Comment,
			"created_at": rv.CreatedAt, "version": a.Version, "changes": changes}
		pp.set(item, "author", rv.Author)
		out[i] = item
		prev = cur
	}
	deleted := revs[len(revs)-1].Action == "delete"
	writeJSON(w, http.StatusOK, map[string]any{"asset": id, "deleted": deleted, "revisions": out})
	return nil
}

// restoreAsset brings back an asset as one of its revisions left it; the
// restore is itself a new revision. A deleted asset comes back too (restore
// its deletion, or any earlier revision). A scoped editor may restore only
// an asset that is, and would be, in their scope.
func (s *Server) restoreAsset(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	var body struct {
		Revision int64 `json:"revision"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	revs, err := s.history.Revisions(r.Context(), "asset", id)
	if err != nil {
		return err
	}
	target := -1
	for i := range revs {
		if revs[i].Seq == body.Revision {
			target = i
		}
	}
	if target < 0 {
		return place.Errorf(place.ENOTFOUND, "asset %s has no revision %d", id, body.Revision)
	}
	states, err := assetStates(revs[:target+1])
	if err != nil {
		return err
	}
	a := states[target]
	a.ID = id
	cur, err := s.assets.Asset(r.Context(), id)
	live := err == nil
	if err != nil && place.ErrorCode(err) != place.ENOTFOUND {
		return err
	}
	// Where it is now (if it is) and where the restore puts it.
	touched := []orb.Geometry{a.Geometry}
	if live {
		touched = append(touched, cur.Geometry)
	}
	if err := s.checkScope(r, touched...); err != nil {
		return err
	}
	p, _ := principalOf(r)
	r = r.WithContext(store.WithAuthor(r.Context(), p.User.Email, fmt.Sprintf("restore revision %d", revs[target].Seq)))
	if live {
		v, err := ifMatch(r)
		if err != nil {
			return err
		}
		if cur.Version != v {
			return s.conflict(r, id, place.Errorf(place.ECONFLICT, "asset %s is at version %d, not %d", id, cur.Version, v))
		}
		if _, err := s.assets.UpdateAsset(r.Context(), a, v); err != nil {
			return s.conflict(r, id, err)
		}
	} else {
		a.Version = 0
		if _, err := s.assets.AddAssets(r.Context(), []place.Asset{a}); err != nil {
			return err
		}
	}
	return s.writeAsset(w, r, id, http.StatusOK)
}

// changes is a change feed in the manner of RPDE: items in the order they
// changed, deletions as tombstones, and the URL of the next page.
func (s *Server) changes(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "since", "limit"); err != nil {
		return err
	}
	var since int64
	if v := q.Get("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return place.Errorf(place.EINVALID, "since %q: want the seq of the last change seen, or 0", place.Excerpt(v))
		}
		since = n
	}
	limit, _, err := parsePage(q, 500, 1000)
	if err != nil {
		return err
	}
	revs, err := s.history.Changes(r.Context(), since, limit)
	if err != nil {
		return err
	}
	pp := s.people(r)
	items := make([]map[string]any, len(revs))
	next := since
	for i, rv := range revs {
		item := map[string]any{"id": rv.EntityID, "kind": rv.Entity, "modified": rv.Seq, "state": "updated", "at": rv.CreatedAt}
		pp.set(item, "author", rv.Author)
		if rv.Action == "delete" {
			item["state"] = "deleted"
		} else if data, ok := pp.revisionData(rv.Entity, rfc7946Record(rv.Data)); ok {
			item["data"] = data
		}
		items[i] = item
		next = rv.Seq
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items,
		"next": fmt.Sprintf("%s/api/changes?since=%d&limit=%d", s.baseURL(r), next, limit)})
	return nil
}
