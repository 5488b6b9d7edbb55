package reconcile_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/postgis"
	"github.com/placemap/placemap/internal/testkit"
)

// BenchmarkAreaProfile makes what an area's profile asks of the service
// (population by area, deprivation by population, the best fits in the
// other sets) for a ward, a constituency and an Output Area of the demo,
// on each store; and the constituency again once the service keeps the
// whole crosswalks a deprivation map by population makes.
func BenchmarkAreaProfile(b *testing.B) {
	ctx := context.Background()
	open := map[string]func(b *testing.B) (*store.DB, error){
		"gpkg": func(b *testing.B) (*store.DB, error) { return gpkg.Open(ctx, b.TempDir()) },
		"postgis": func(b *testing.B) (*store.DB, error) {
			return postgis.Open(ctx, testkit.PostGISDatabaseURL(b), postgis.Options{})
		},
	}
	for _, name := range []string{"gpkg", "postgis"} {
		b.Run(name, func(b *testing.B) {
			st, err := open[name](b)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			if err := demo.Load(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
				b.Fatal(err)
			}
			benchProfiles(b, st)
		})
	}
}

func benchProfiles(b *testing.B, st *store.DB) {
	ctx := context.Background()
	svc := reconcile.NewService(st, 16)
	for _, c := range []struct {
		name, set, code string
		warm            bool
	}{
		{"ward", "wards-2019", "E05010860", false},
		{"constituency", "constituencies-2013", "E14000919", false},
		{"oa", "oa-2011", "E00039619", false},
		{"constituency-kept", "constituencies-2013", "E14000919", true},
	} {
		b.Run(c.name, func(b *testing.B) {
			if c.warm {
				if _, err := svc.Move(ctx, "lsoa-2011", reconcile.DeprivationIndicator, c.set, reconcile.ByPopulation); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
			}
			area, err := st.Area(ctx, c.set, c.code)
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < b.N; i++ {
				for _, f := range []struct {
					name, kind string
					w          reconcile.Weight
				}{
					{reconcile.PopulationIndicator, reconcile.Count, reconcile.ByArea},
					{reconcile.DeprivationIndicator, reconcile.Rate, reconcile.ByPopulation},
				} {
					if _, _, err := svc.AreaFigure(ctx, c.set, c.code, f.name, f.kind, f.w); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := svc.OtherDefinitions(ctx, area); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
