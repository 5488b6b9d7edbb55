package httpapi

import (
	"net/http"
	"sort"

	"github.com/go-chi/chi/v5"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
)

// assetGroup is the assets of one category in one state, in an area.
type assetGroup struct {
	Category string           `json:"category"`
	Title    string           `json:"title"`
	Count    int              `json:"count"`
	Assets   []map[string]any `json:"assets"`
}

// profileStatus groups asset states for an area's profile: open and at-risk
// assets are in use; closed and proposed ones are counted apart.
func profileStatus(s place.Status) string {
	switch s {
	case place.Closed:
		return "closed"
	case place.Proposed:
		return "proposed"
	}
	return "in_use"
}

// getAreaProfile says what an area is and holds, in one request: its set,
// its population and deprivation (the set's own, or moved through the
// crosswalk), its assets by category and state, and its best fits in every
// other current set.
func (s *Server) getAreaProfile(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := allowParams(r.URL.Query()); err != nil {
		return err
	}
	slug, code := chi.URLParam(r, "slug"), chi.URLParam(r, "code")
	// A series' name, or a code of another release, redirects as the
	// area's own address does.
	set, err := s.areas.Set(ctx, slug)
	if err != nil {
		return s.orRedirect(w, r, err, slug, code)
	}
	a, err := s.areas.Area(ctx, slug, code)
	if err != nil {
		return s.orRedirect(w, r, err, slug, code)
	}
	release, err := s.expensive(r)
	if err != nil {
		return err
	}
	defer release()
	out := map[string]any{"set": slug, "set_title": set.Title, "set_kind": set.Kind, "current": set.Current,
		"code": a.Code, "name": a.Name}
	for key, want := range map[string]struct {
		name, kind string
		w          reconcile.Weight
	}{
		"population":  {reconcile.PopulationIndicator, reconcile.Count, reconcile.ByArea},
		"deprivation": {reconcile.DeprivationIndicator, reconcile.Rate, reconcile.ByPopulation},
	} {
		fig, ok, err := s.reconcile.AreaFigure(ctx, slug, code, want.name, want.kind, want.w)
		if err != nil {
			return err
		}
		out[key] = nil
		if ok {
			out[key] = fig
		}
	}
	assets, err := s.profileAssets(r, slug, code)
	if err != nil {
		return err
	}
	out["assets"] = assets
	others, err := s.reconcile.OtherDefinitions(ctx, a)
	if err != nil {
		return err
	}
	out["other_definitions"] = others
	writeJSON(w, http.StatusOK, out)
	return nil
}

// profileAssets lists an area's assets by state (in_use, closed, proposed)
// and, within each, by category, most first.
func (s *Server) profileAssets(r *http.Request, slug, code string) (map[string]any, error) {
	byState := map[string]map[string]*assetGroup{"in_use": {}, "closed": {}, "proposed": {}}
	total := 0
	for {
		page, err := s.assets.Assets(r.Context(), store.AssetQuery{InSet: slug, InCode: code, Limit: maxAssetPage, Offset: total, NoCount: true})
		if err != nil {
			return nil, err
		}
		for _, as := range page.Assets {
			groups := byState[profileStatus(as.Status)]
			g := groups[as.Category]
			if g == nil {
				title := as.Category
				if c, ok := place.CategoryByID(as.Category); ok {
					title = c.Title
				}
				g = &assetGroup{Category: as.Category, Title: title}
				groups[as.Category] = g
			}
			g.Count++
			g.Assets = append(g.Assets, map[string]any{"id": as.ID, "name": as.Name, "category": as.Category, "status": as.Status})
		}
		total += len(page.Assets)
		if len(page.Assets) < maxAssetPage {
			break
		}
	}
	out := map[string]any{"total": total}
	for st, groups := range byState {
		list := make([]*assetGroup, 0, len(groups))
		for _, g := range groups {
			list = append(list, g)
		}
		sort.Slice(list, func(i, j int) bool {
			if list[i].Count != list[j].Count {
				return list[i].Count > list[j].Count
			}
			return list[i].Title < list[j].Title
		})
		out[st] = list
	}
	return out, nil
}
