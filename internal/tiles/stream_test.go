package tiles

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
)

// TestDrawStreamSameBytes draws demo tiles of Output and Lower Layer areas
// at z8-z14 as a store streams them (drawStream) and wants the bytes of
// the tile drawn after reading, on one goroutine: whether the areas come
// in id order or reversed, drawn on read's goroutine or on four, and
// after a restart that drops areas handed over before it. Run it with
// -race too.
func TestDrawStreamSameBytes(t *testing.T) {
	ctx := context.Background()
	r := NewRenderer(demoStore(t), 0)
	centre := orb.Point{-1.47, 53.38}
	parallel := 0
	for _, layer := range []string{"oa-2011", "lsoa-2011"} {
		for z := maptile.Zoom(8); z <= 14; z++ {
			c := maptile.At(centre, z)
			for _, d := range [][2]int{{0, 0}, {1, 0}, {-1, -1}} {
				tl := maptile.New(uint32(int(c.X)+d[0]), uint32(int(c.Y)+d[1]), z)
				name := fmt.Sprintf("%s/%d/%d/%d", layer, tl.Z, tl.X, tl.Y)
				fc, err := r.features(ctx, layer, tl, 0)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if countPoints(fc.Features, parallelPoints) >= parallelPoints {
					parallel++
				}
				for _, c := range []struct {
					workers           int
					reversed, restart bool
				}{{1, false, false}, {4, false, false}, {4, true, false}, {4, true, true}, {1, false, true}} {
					// Drawing takes the features' geometry: each draw
					// reads its own.
					var fcs [2]*geojson.FeatureCollection
					for i := range fcs {
						if fcs[i], err = r.features(ctx, layer, tl, 0); err != nil {
							t.Fatal(err)
						}
					}
					want, err := encodeMVT(layer, fcs[0], tl, 1)
					if err != nil {
						t.Fatal(err)
					}
					got := streamTile(t, layer, tl, fcs[1].Features, c.workers, c.reversed, c.restart)
					if !bytes.Equal(got, want) {
						t.Errorf("%s, %d workers, reversed %v, restart %v: %d bytes streamed, %d read first: not the same",
							name, c.workers, c.reversed, c.restart, len(got), len(want))
					}
				}
			}
		}
	}
	if parallel < 10 {
		t.Errorf("only %d tiles had points enough to draw in parallel: the test no longer tests it", parallel)
	}
}

// streamTile hands fs to drawStream as a store would, reversed if asked,
// and after a restart the features before it (copies of the first half of
// fs, moved) if asked, and encodes the tile.
func streamTile(t *testing.T, layer string, tl maptile.Tile, fs []*geojson.Feature, workers int, reversed, restart bool) []byte {
	t.Helper()
	order := slices.Clone(fs)
	if reversed {
		slices.Reverse(order)
	}
	read := func(yield func(uint64, *geojson.Feature), again func()) error {
		if restart {
			for _, f := range fs[:len(fs)/2] {
				moved := geojson.NewFeature(orb.Clone(f.Geometry))
				moved.ID, moved.Properties = f.ID, geojson.Properties{"code": "stale"}
				yield(f.ID.(uint64), moved)
			}
			again()
		}
		for _, f := range order {
			yield(f.ID.(uint64), f)
		}
		return nil
	}
	got, drawn, err := drawStream(read, workers, mvtDraw(tl))
	if err != nil {
		t.Fatal(err)
	}
	data, err := marshalMVT(mvtLayerOf(layer, got, drawn))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
