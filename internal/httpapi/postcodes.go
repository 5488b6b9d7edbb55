package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/access"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/postcode"
	"github.com/placemap/placemap/internal/store"
)

// PostcodeStore is what /api/postcodes asks: a postcode, the areas of the
// current sets at a point, and the assets nearest one.
type PostcodeStore interface {
	Postcode(ctx context.Context, pc string) (store.Postcode, error)
	AreasAt(ctx context.Context, pt orb.Point) ([]store.PostcodeArea, error)
	NearestAssets(ctx context.Context, pt orb.Point, category string, limit int) ([]store.NearAsset, error)
}

// postcodeJSON is the answer of GET /api/postcodes/{postcode}.
type postcodeJSON struct {
	Postcode   string               `json:"postcode"`
	Point      orb.Point            `json:"point"`      // lon, lat
	Terminated *string              `json:"terminated"` // YYYY-MM; null while in use
	Areas      []store.PostcodeArea `json:"areas"`
}

// postcode reads the {postcode} of the path, in any spacing and case:
// EINVALID saying the format when malformed, ENOTFOUND when unknown.
func (s *Server) postcode(r *http.Request) (store.Postcode, error) {
	if s.postcodes == nil {
		return store.Postcode{}, place.Errorf(place.ENOTFOUND, "no postcodes: import a file with placemap import postcodes FILE.csv")
	}
	pc, err := postcode.Normalise(chi.URLParam(r, "postcode"))
	if err != nil {
		return store.Postcode{}, err
	}
	return s.postcodes.Postcode(r.Context(), pc)
}

// getPostcode answers GET /api/postcodes/{postcode}: its point, whether it
// is terminated, and the area of every boundary set it lies in, each
// saying whether its set is current (placed as assets are).
func (s *Server) getPostcode(w http.ResponseWriter, r *http.Request) error {
	if err := allowParams(r.URL.Query()); err != nil {
		return err
	}
	p, err := s.postcode(r)
	if err != nil {
		return err
	}
	areas, err := s.postcodes.AreasAt(r.Context(), p.Point)
	if err != nil {
		return err
	}
	out := postcodeJSON{Postcode: p.Postcode, Point: p.Point, Areas: areas}
	if p.Terminated != "" {
		out.Terminated = &p.Terminated
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// nearJSON is one asset of /api/postcodes/{postcode}/nearest.
type nearJSON struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Category string    `json:"category"`
	Point    orb.Point `json:"point"`
	Metres   int       `json:"distance_m"` // straight line (great circle), rounded
	// Walking is the walk along the walking network; null beyond
	// postcodeWalkMetres, or without a network.
	Walking *walkJSON `json:"walking"`
}

// nearestAssets answers GET /api/postcodes/{postcode}/nearest?category=&limit=.
func (s *Server) nearestAssets(w http.ResponseWriter, r *http.Request) error {
	params := r.URL.Query()
	if err := allowParams(params, "category", "limit"); err != nil {
		return err
	}
	cat := params.Get("category")
	if _, ok := place.CategoryByID(cat); cat != "" && !ok {
		return place.Errorf(place.EINVALID, "category %q is not in the list", place.Excerpt(cat))
	}
	limit := 3
	if l := params.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 50 {
			return place.Errorf(place.EINVALID, "limit %q: want a whole number 1-50", place.Excerpt(l))
		}
		limit = n
	}
	p, err := s.postcode(r)
	if err != nil {
		return err
	}
	near, err := s.postcodes.NearestAssets(r.Context(), p.Point, cat, limit)
	if err != nil {
		return err
	}
	assets := make([]nearJSON, 0, len(near))
	points := make([]orb.Point, 0, len(near))
	for _, n := range near {
		pt, ok := n.Asset.Geometry.(orb.Point)
		if !ok {
			pt = n.Asset.Geometry.Bound().Center()
		}
		assets = append(assets, nearJSON{ID: n.Asset.ID, Name: n.Asset.Name, Category: n.Asset.Category, Point: pt, Metres: int(n.Metres + 0.5)})
		points = append(points, pt)
	}
	note := "assets are in straight-line order; distance_m is the straight-line distance; walking is null: no walking network is imported"
	if walks, ok := s.walksFrom(r.Context(), p.Point, points); ok {
		for i := range assets {
			assets[i].Walking = walks[i]
		}
		note = fmt.Sprintf("assets are in straight-line order; distance_m is the straight-line distance; walking is along the walking network "+
			"from the postcode's point at %g km/h (null beyond %d km)", access.DefaultSpeedKmh, postcodeWalkMetres/1000)
	}
	writeJSON(w, http.StatusOK, map[string]any{"postcode": p.Postcode, "point": p.Point, "assets": assets, "order": "straight_line", "note": note})
	return nil
}
