package tiles_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/postgis"
	"github.com/placemap/placemap/internal/testkit"
	"github.com/placemap/placemap/internal/tiles"
)

// BenchmarkRenderLowZooms renders uncached area tiles at z8-z13 from both
// stores, each op one tile of a 3×3 block around the city centre in turn:
// the demo's Lower Layer and Output Areas (generalised boundaries, as ONS
// publishes them for maps), and "lsoa-dense", the Lower Layer areas drawn
// at full resolution (every edge cut into 3-metre pieces wobbling by half
// a metre), where zoom bands pay. cpu-ns/op is this process's CPU per
// tile.
func BenchmarkRenderLowZooms(b *testing.B) {
	ctx := context.Background()
	open := map[string]func(b *testing.B) *store.DB{
		"gpkg": func(b *testing.B) *store.DB {
			st, err := gpkg.Open(ctx, b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			return st
		},
		"postgis": func(b *testing.B) *store.DB {
			st, err := postgis.Open(ctx, testkit.PostGISDatabaseURL(b), postgis.Options{})
			if err != nil {
				b.Fatal(err)
			}
			return st
		},
	}
	for _, name := range []string{"gpkg", "postgis"} {
		b.Run(name, func(b *testing.B) {
			st := open[name](b)
			defer st.Close()
			loadDense(b, st)
			r := tiles.NewRenderer(st, 0)
			for _, layer := range []string{"lsoa-2011", "oa-2011", "lsoa-dense"} {
				for z := maptile.Zoom(8); z <= 13; z++ {
					block := tiles.Around(orb.Point{-1.47, 53.38}, z)
					b.Run(layer+"/z"+strconv.Itoa(int(z)), func(b *testing.B) {
						defer reportCPU(b)()
						for i := 0; i < b.N; i++ {
							if _, err := r.Render(ctx, layer, block[i%len(block)], tiles.MVT); err != nil {
								b.Fatal(err)
							}
						}
					})
				}
			}
		})
	}
}

// loadDense loads the demo and adds lsoa-dense.
func loadDense(b *testing.B, st *store.DB) {
	ctx := context.Background()
	if err := demo.Load(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		b.Fatal(err)
	}
	all, err := store.AllAreas(ctx, st, "lsoa-2011")
	if err != nil {
		b.Fatal(err)
	}
	dense := make([]place.Area, len(all))
	for i, a := range all {
		dense[i] = place.Area{Code: a.Code, Name: a.Name, Geometry: densify(a.Geometry, 3.0/111000, 0.5/111000)}
	}
	set, err := st.Set(ctx, "lsoa-2011")
	if err != nil {
		b.Fatal(err)
	}
	set.BoundarySet.Slug, set.BoundarySet.Provenance = "lsoa-dense", nil
	if _, err := st.ImportSet(ctx, set.BoundarySet, dense); err != nil {
		b.Fatal(err)
	}
}
