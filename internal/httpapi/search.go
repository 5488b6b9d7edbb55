package httpapi

import (
	"net/http"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/search"
)

// searchJSON is the answer of /api/search.
type searchJSON struct {
	Query   string             `json:"query"`
	Results []searchResultJSON `json:"results"`
}

// searchResultJSON is one result: what it is, its name, what finds it
// again (an asset's id, an area's set and code, a place's slug, a basemap
// row's id) and where it is. Results come best first; score falls with
// them (equal scores keep the order).
type searchResultJSON struct {
	Kind     search.Kind    `json:"kind"`
	Name     string         `json:"name"`
	ID       string         `json:"id,omitempty"`
	Code     string         `json:"code,omitempty"`
	Set      *search.SetRef `json:"set,omitempty"`
	Current  *bool          `json:"current,omitempty"` // areas: false for an old release
	Category string         `json:"category,omitempty"`
	Class    string         `json:"class,omitempty"`
	Point    *orb.Point     `json:"point,omitempty"`
	BBox     []float64      `json:"bbox,omitempty"`
	Score    int            `json:"score"`
}

// searchAll answers GET /api/search?q=&limit=: assets, areas of every set,
// places, and the street basemap's streets and place names, ranked.
func (s *Server) searchAll(w http.ResponseWriter, r *http.Request) error {
	params := r.URL.Query()
	if err := allowParams(params, "q", "limit"); err != nil {
		return err
	}
	if !params.Has("q") {
		return place.Errorf(place.EINVALID, "q is missing: /api/search?q=WORDS gives up to %d results", search.DefaultLimit)
	}
	limit := 0
	if l := params.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return place.Errorf(place.EINVALID, "limit %q: want a whole number 1-%d", place.Excerpt(l), search.MaxLimit)
		}
		limit = n
	}
	q, err := search.Parse(params.Get("q"), limit)
	if err != nil {
		return err
	}
	cs, err := s.search.SearchCandidates(r.Context(), q)
	if err != nil {
		return err
	}
	out := searchJSON{Query: q.Text, Results: []searchResultJSON{}}
	for _, res := range search.Rank(q, cs) {
		j := searchResultJSON{Kind: res.Kind, Name: res.Name, ID: res.ID, Code: res.Code, Set: res.Set,
			Category: res.Category, Class: res.Class, Point: res.Point, Score: res.Score}
		if res.Kind == search.Area {
			current := !res.Old
			j.Current = &current
			j.ID = ""
		}
		if b := res.BBox; b != nil {
			j.BBox = []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
		}
		out.Results = append(out.Results, j)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
