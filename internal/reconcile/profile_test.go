package reconcile_test

import (
	"context"
	"io"
	"log/slog"
	"math"
	"testing"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
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
