package access

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// assets returns the baseline's assets (the category's, of the statuses
// asked for) and the run's (the baseline's minus Close plus Open). An id
// in Close that is no such asset is EINVALID naming it; no asset to walk
// to is EINVALID.
func (s *Service) assets(ctx context.Context, p Params) (base, chosen []AssetRef, err error) {
	for off := 0; ; off += store.MaxPage {
		page, err := s.st.Assets(ctx, store.AssetQuery{Category: p.Category, Limit: store.MaxPage, Offset: off, NoCount: true})
		if err != nil {
			return nil, nil, fmt.Errorf("assets of %s: %w", p.Category, err)
		}
		for _, a := range page.Assets {
			if slices.Contains(p.Statuses, a.Status) {
				base = append(base, AssetRef{ID: a.ID, Name: a.Name, Status: a.Status, FID: a.FID, Point: geo.PointOnSurface(a.Geometry)})
			}
		}
		if len(page.Assets) < store.MaxPage {
			break
		}
	}
	closed := map[string]bool{}
	for _, id := range p.Close {
		if err := s.closable(ctx, p, base, id); err != nil {
			return nil, nil, err
		}
		closed[id] = true
	}
	for _, a := range base {
		if !closed[a.ID] {
			chosen = append(chosen, a)
		}
	}
	for i, pt := range p.Open {
		chosen = append(chosen, AssetRef{ID: fmt.Sprintf("new:%d", i+1), Status: place.Proposed, Point: pt,
			Name: fmt.Sprintf("new %s at %.6f,%.6f", categoryWord(p.Category), pt[0], pt[1])})
	}
	if len(base) == 0 && len(chosen) == 0 {
		return nil, nil, place.Errorf(place.EINVALID, "no %s %s assets to walk to: import some (placemap import osm FILE.osm.pbf, or import assets) or choose other statuses",
			statusWords(p.Statuses), p.Category)
	}
	if len(chosen) == 0 {
		return nil, nil, place.Errorf(place.EINVALID, "closing %s leaves no %s %s asset to walk to", strings.Join(p.Close, ", "), statusWords(p.Statuses), p.Category)
	}
	return base, chosen, nil
}

// closable checks an id given to close: an asset of the category among
// those walked to.
func (s *Service) closable(ctx context.Context, p Params, base []AssetRef, id string) error {
	if slices.ContainsFunc(base, func(a AssetRef) bool { return a.ID == id }) {
		return nil
	}
	a, err := s.st.Asset(ctx, id)
	switch {
	case place.ErrorCode(err) == place.ENOTFOUND:
		return place.Errorf(place.EINVALID, "close: there is no asset %q", id)
	case err != nil:
		return fmt.Errorf("close %s: %w", id, err)
	case a.Category != p.Category:
		return place.Errorf(place.EINVALID, "close: asset %q (%s) is a %s, not a %s", id, a.Name, a.Category, p.Category)
	}
	return place.Errorf(place.EINVALID, "close: asset %q (%s) is %s, not among the %s assets walked to", id, a.Name, a.Status, statusWords(p.Statuses))
}

// statusWords writes statuses for a sentence: "open or at risk".
func statusWords(sts []place.Status) string {
	words := make([]string, len(sts))
	for i, st := range sts {
		words[i] = strings.ReplaceAll(string(st), "_", " ")
	}
	return strings.Join(words, " or ")
}

// categoryWord is a category id as a word: "community_hall" → "community hall".
func categoryWord(c string) string { return strings.ReplaceAll(c, "_", " ") }

// plural is a category word for many: library → libraries.
func plural(c string) string {
	w := categoryWord(c)
	switch {
	case strings.HasSuffix(w, "y") && !strings.HasSuffix(w, "ay") && !strings.HasSuffix(w, "ey"):
		return w[:len(w)-1] + "ies"
	case strings.HasSuffix(w, "s"):
		return w // already plural: toilets
	case strings.HasSuffix(w, "sh"), strings.HasSuffix(w, "ch"), strings.HasSuffix(w, "x"):
		return w + "es"
	}
	return w + "s"
}
