package tiles_test

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"
	"github.com/peterstace/simplefeatures/geom"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/tiles"
)

// densify subdivides every edge into pieces of about step degrees, each
// new point pushed sideways by up to jitter degrees: a boundary drawn at
// full resolution from a generalised one.
func densify(mp orb.MultiPolygon, step, jitter float64) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			var s orb.Ring
			for k := 0; k+1 < len(r); k++ {
				a, b := r[k], r[k+1]
				dx, dy := b[0]-a[0], b[1]-a[1]
				l := math.Hypot(dx, dy)
				n := int(l/step) + 1
				s = append(s, a)
				for m := 1; m < n; m++ {
					f := float64(m) / float64(n)
					off := jitter * math.Sin(float64(m)*2.3+a[0]*1e4)
					s = append(s, orb.Point{a[0] + f*dx - off*dy/l, a[1] + f*dy + off*dx/l})
				}
			}
			out[i][j] = append(s, r[len(r)-1])
		}
	}
	return out
}

// fullGeometry is a store answering every tile with full geometry: the
// tiles as they were before zoom bands.
type fullGeometry struct{ *store.DB }

func (f fullGeometry) AreaShapes(ctx context.Context, set string, q store.ShapeQuery) ([]place.Area, error) {
	q.Generalised = false
	return f.DB.AreaShapes(ctx, set, q)
}

func (f fullGeometry) EachAreaShape(ctx context.Context, set string, q store.ShapeQuery, yield func(place.Area) error, restart func()) error {
	q.Generalised = false
	return f.DB.EachAreaShape(ctx, set, q, yield, restart)
}

// TestBandTilesMatchFull renders area tiles at z8-z13 of the demo's
// Lower Layer areas round the centre drawn at full resolution (every
// edge cut into 3-metre pieces that wobble by half a metre: bands pay),
// the tile over the centre at each zoom, from zoom bands
// and from full geometry: the same features, every polygon valid (GEOS's
// rules, as simplefeatures checks them), and the two differing by no more
// than a sliver of a unit along each boundary.
func TestBandTilesMatchFull(t *testing.T) {
	ctx := context.Background()
	st := tiles.DemoStore(t)
	all, err := store.AllAreas(ctx, st, "lsoa-2011")
	if err != nil {
		t.Fatal(err)
	}
	// The areas round the centre: enough to fill tiles at every zoom.
	centre := orb.Point{-1.47, 53.38}
	near := orb.Bound{Min: orb.Point{-1.52, 53.35}, Max: orb.Point{-1.42, 53.41}}
	var dense []place.Area
	for _, a := range all {
		if a.Geometry.Bound().Intersects(near) {
			a.Geometry = densify(a.Geometry, 3.0/111000, 0.5/111000)
			dense = append(dense, a)
		}
	}
	set, err := st.Set(ctx, "lsoa-2011")
	if err != nil {
		t.Fatal(err)
	}
	set.BoundarySet.Slug, set.BoundarySet.Provenance = "dense", nil
	if _, err := st.ImportSet(ctx, set.BoundarySet, dense); err != nil {
		t.Fatal(err)
	}
	banded, full := tiles.NewRenderer(st, 0), tiles.NewRenderer(fullGeometry{st}, 0)
	for z := maptile.Zoom(8); z <= 13; z++ {
		var s bandStats
		for _, tl := range []maptile.Tile{maptile.At(centre, z)} {
			a, err := banded.Render(ctx, "dense", tl, tiles.MVT)
			if err != nil {
				t.Fatal(err)
			}
			b, err := full.Render(ctx, "dense", tl, tiles.MVT)
			if err != nil {
				t.Fatal(err)
			}
			s.compare(t, tl, a.Data, b.Data)
		}
		t.Logf("z%d: %d features, vertices %d from bands vs %d from full geometry; symmetric difference %.2g of their area, at most %.2f units² per unit of boundary",
			z, s.features, s.vertices[0], s.vertices[1], s.diff/s.area, s.worst)
	}
}

// bandStats sums up the comparison of tiles from bands and from full
// geometry.
type bandStats struct {
	features   int
	vertices   [2]int
	area, diff float64
	worst      float64 // symmetric difference over the full one's boundary
}

// compare checks the tile from bands (a) against the one from full
// geometry (b).
func (s *bandStats) compare(t *testing.T, tl maptile.Tile, a, b []byte) {
	t.Helper()
	la, err := mvt.Unmarshal(a)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(la) != 1 || len(lb) != 1 || len(la[0].Features) != len(lb[0].Features) {
		t.Fatalf("%v: layers or features differ", tl)
	}
	for i, fa := range la[0].Features {
		fb := lb[0].Features[i]
		if fa.ID != fb.ID {
			t.Fatalf("%v: feature %d is %v from bands, %v from full geometry", tl, i, fa.ID, fb.ID)
		}
		ga, gb := sfGeometry(t, fa.Geometry), sfGeometry(t, fb.Geometry)
		if err := ga.Validate(); err != nil {
			t.Errorf("%v feature %v from bands: %v", tl, fa.ID, err)
		}
		d, err := geom.SymmetricDifference(ga, gb)
		if err != nil {
			t.Fatal(err)
		}
		s.features++
		s.vertices[0] += countPoints(fa.Geometry)
		s.vertices[1] += countPoints(fb.Geometry)
		s.area += gb.Area()
		s.diff += d.Area()
		if per := d.Area() / boundaryLength(fb.Geometry); per > s.worst {
			s.worst = per
		}
		if d.Area() > boundaryLength(fb.Geometry) {
			t.Errorf("%v feature %v: from bands differs by %.1f units², over a unit along its %.0f-unit boundary", tl, fa.ID, d.Area(), boundaryLength(fb.Geometry))
		}
	}
}

func sfGeometry(t *testing.T, g orb.Geometry) geom.Geometry {
	t.Helper()
	b, err := wkb.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := geom.UnmarshalWKB(b)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return sg
}

func countPoints(g orb.Geometry) int {
	n := 0
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			n += len(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			n += countPoints(p)
		}
	}
	return n
}

func boundaryLength(g orb.Geometry) float64 {
	switch g := g.(type) {
	case orb.Polygon:
		l := 0.0
		for _, r := range g {
			l += planar.Length(r)
		}
		return l
	case orb.MultiPolygon:
		l := 0.0
		for _, p := range g {
			l += boundaryLength(p)
		}
		return l
	}
	return 0
}
