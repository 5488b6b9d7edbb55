package gpkg_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
)

func TestZZMeasure(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := demo.Load(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	for _, set := range []string{"lsoa-2011", "oa-2011"} {
		all, err := store.AllAreas(ctx, st, set)
		if err != nil {
			t.Fatal(err)
		}
		full := 0
		per := map[int]int{}
		has := map[int]int{}
		t0 := time.Now()
		for _, a := range all {
			n := 0
			for _, p := range a.Geometry {
				for _, r := range p {
					n += len(r)
				}
			}
			full += n
			bs := store.Generalise(a.Geometry)
			got := map[int]bool{}
			for _, b := range bs {
				m := 0
				for _, p := range b.Geometry {
					for _, r := range p {
						m += len(r)
					}
				}
				per[b.Top] += m
				has[b.Top]++
				got[b.Top] = true
			}
			for _, top := range store.BandTops() {
				if !got[top] {
					per[top] += n
				}
			}
		}
		t.Logf("%s: %d areas, %d vertices; generalise %v; tol %v", set, len(all), full, time.Since(t0), store.BandTolerance)
		for _, top := range store.BandTops() {
			t.Logf("  z%d: %d vertices (%.2f), %d rows", top, per[top], float64(per[top])/float64(full), has[top])
		}
	}
}
