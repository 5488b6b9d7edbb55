package reconcile_test

import (
	"context"
	"io"
	"log/slog"
	"math"
	"testing"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/storetest"
)

// TestAreaFigureIsMove: the figure of one area, from overlays of the areas
// near it only, is what Move gives that area from the whole crosswalks,
// for every 2019 ward and a dozen community neighbourhoods (which overlap
// each other and leave gaps), by area and by population.
func TestAreaFigureIsMove(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := demo.Load(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	svc := reconcile.NewService(st, 16)
	cases := []struct {
		set, from, name, kind string
		w                     reconcile.Weight
		limit                 int
	}{
		{"wards-2019", "oa-2011", reconcile.PopulationIndicator, reconcile.Count, reconcile.ByArea, 0},
		{"wards-2019", "lsoa-2011", reconcile.DeprivationIndicator, reconcile.Rate, reconcile.ByPopulation, 0},
		{"community-neighbourhoods", "oa-2011", reconcile.PopulationIndicator, reconcile.Count, reconcile.ByArea, 12},
		{"community-neighbourhoods", "lsoa-2011", reconcile.DeprivationIndicator, reconcile.Rate, reconcile.ByPopulation, 12},
	}
	for _, c := range cases {
		moved, err := svc.Move(ctx, c.from, c.name, c.set, c.w)
		if err != nil {
			t.Fatal(err)
		}
		areas, err := store.AllAreas(ctx, st, c.set)
		if err != nil {
			t.Fatal(err)
		}
		if c.limit > 0 && len(areas) > c.limit {
			areas = areas[:c.limit]
		}
		for _, a := range areas {
			fig, ok, err := svc.AreaFigure(ctx, c.set, a.Code, c.name, c.kind, c.w)
			if err != nil {
				t.Fatal(err)
			}
			want, has := moved.Values[a.Code]
			if ok != has || math.Abs(fig.Value-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("%s %s %s: one area %v (%v), Move %v (%v)", c.set, a.Code, c.name, fig.Value, ok, want, has)
			}
			if fig.From != c.from || fig.Method != moved.Method {
				t.Errorf("%s %s: from %s by %q; Move says %q", c.set, a.Code, fig.From, fig.Method, moved.Method)
			}
		}
	}
}

// TestAreaFigureOwnAndNoPopulation: an area of a set carrying the indicator
// reads its own value; with no population anywhere, a figure asked for by
// population is weighed by area, and says so; an indicator no set carries
// gives no figure.
func TestAreaFigureOwnAndNoPopulation(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	grid := storetest.Grid() // four squares, A1 A2 B1 B2 (equal in degrees, the northern a little smaller in m²)
	whole := place.Area{Code: "W", Name: "Whole", Geometry: storetest.Square(-1.5, 53.25, 0.25)}
	for _, s := range []struct {
		slug  string
		areas []place.Area
	}{{"grid", grid}, {"whole", []place.Area{whole}}} {
		if _, err := st.ImportSet(ctx, place.BoundarySet{Slug: s.slug, Title: s.slug, Kind: place.Statistical}, s.areas); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.ImportIndicators(ctx, "grid", []place.Indicator{{Name: reconcile.DeprivationIndicator, Title: "decile", Kind: reconcile.Rate}},
		map[string]map[string]float64{reconcile.DeprivationIndicator: {"A1": 1, "A2": 2, "B1": 3, "B2": 6}}); err != nil {
		t.Fatal(err)
	}
	svc := reconcile.NewService(st, 4)
	own, ok, err := svc.AreaFigure(ctx, "grid", "B2", reconcile.DeprivationIndicator, reconcile.Rate, reconcile.ByPopulation)
	if err != nil || !ok || own.Value != 6 || own.From != "grid" || own.Method != "the set's own values" {
		t.Errorf("own value: %+v %v %v", own, ok, err)
	}
	moved, ok, err := svc.AreaFigure(ctx, "whole", "W", reconcile.DeprivationIndicator, reconcile.Rate, reconcile.ByPopulation)
	if err != nil || !ok || math.Abs(moved.Value-3) > 0.01 || moved.Weight != reconcile.ByArea || moved.Parts != 4 {
		t.Errorf("moved by area for want of population: %+v %v %v", moved, ok, err)
	}
	if _, ok, err := svc.AreaFigure(ctx, "whole", "W", reconcile.PopulationIndicator, reconcile.Count, reconcile.ByArea); ok || err != nil {
		t.Errorf("no set carries a population: ok %v, err %v", ok, err)
	}
}

// TestAreaFigureCachedOrNot: a deprivation figure moved by population is
// the same to the last bit whether the service already keeps the whole
// crosswalks of the blocks (it reads their best fits) or not (it overlays
// the blocks near the area), for every 2019 ward and a constituency.
func TestAreaFigureCachedOrNot(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := demo.Load(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	cold, warm := reconcile.NewService(st, 16), reconcile.NewService(st, 16)
	for _, c := range []struct{ set, code string }{{"wards-2019", ""}, {"constituencies-2013", "E14000919"}} {
		if _, err := warm.Move(ctx, "lsoa-2011", reconcile.DeprivationIndicator, c.set, reconcile.ByPopulation); err != nil {
			t.Fatal(err)
		}
		for _, pair := range [][2]string{{"oa-2011", "lsoa-2011"}, {"oa-2011", c.set}} {
			if cw, err := warm.Cached(ctx, pair[0], pair[1]); err != nil || cw == nil {
				t.Fatalf("crosswalk %s → %s not kept after Move: %v", pair[0], pair[1], err)
			}
		}
		areas, err := store.AllAreas(ctx, st, c.set)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range areas {
			if c.code != "" && a.Code != c.code {
				continue
			}
			var figs [2]reconcile.Figure
			for k, svc := range []*reconcile.Service{cold, warm} {
				fig, ok, err := svc.AreaFigure(ctx, c.set, a.Code, reconcile.DeprivationIndicator, reconcile.Rate, reconcile.ByPopulation)
				if err != nil || !ok {
					t.Fatalf("%s %s: %v %v", c.set, a.Code, ok, err)
				}
				figs[k] = fig
			}
			if figs[0] != figs[1] {
				t.Errorf("%s %s: overlaid %+v, from the kept crosswalks %+v", c.set, a.Code, figs[0], figs[1])
			}
		}
	}
	if cw, err := cold.Cached(ctx, "oa-2011", "lsoa-2011"); err != nil || cw != nil {
		t.Errorf("a figure kept a whole crosswalk (%v) or failed: %v", cw != nil, err)
	}
}
