package reconcile_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store/gpkg"
)

// BenchmarkAreaProfile makes what an area's profile asks of the service
// (population by area, deprivation by population, the best fits in the
// other sets) for a ward, a constituency and an Output Area of the demo,
// on the GeoPackage store; and the constituency again once the service
// keeps the whole crosswalks a deprivation map by population makes.
func BenchmarkAreaProfile(b *testing.B) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if err := demo.Load(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		b.Fatal(err)
	}
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
