package tiles

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
)

// TestDrawInParallelSameBytes renders demo tiles of Output and Lower Layer
// areas at z8-z14 with their features drawn on one goroutine and on
// several, MVT and GeoJSON, and wants the same bytes: drawing in parallel
// must not change a tile (nor its ETag). Run it with -race too.
func TestDrawInParallelSameBytes(t *testing.T) {
	ctx := context.Background()
	r := NewRenderer(demoStore(t), 0)
	centre := orb.Point{-1.47, 53.38}
	parallel := 0
	for _, layer := range []string{"oa-2011", "lsoa-2011"} {
		for z := maptile.Zoom(8); z <= 14; z++ {
			c := maptile.At(centre, z)
			for _, d := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {-1, -1}} {
				tl := maptile.New(uint32(int(c.X)+d[0]), uint32(int(c.Y)+d[1]), z)
				for _, f := range []Format{MVT, GeoJSON} {
					name := fmt.Sprintf("%s/%d/%d/%d.%s", layer, tl.Z, tl.X, tl.Y, f)
					var got [2][]byte
					for i, workers := range []int{1, 4} {
						fc, err := r.features(ctx, layer, tl, 0)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						if i == 1 && countPoints(fc.Features, parallelPoints) >= parallelPoints && len(fc.Features) > drawChunk {
							parallel++
						}
						if f == MVT {
							got[i], err = encodeMVT(layer, fc, tl, workers)
						} else {
							got[i], err = encodeGeoJSON(fc, tl, workers)
						}
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
					}
					if !bytes.Equal(got[0], got[1]) {
						t.Errorf("%s: %d bytes drawn on one goroutine, %d on four, not the same", name, len(got[0]), len(got[1]))
					}
				}
			}
		}
	}
	if parallel < 10 {
		t.Errorf("only %d tiles were drawn in parallel: the test no longer tests it", parallel)
	}
}

// encodeGeoJSON is a GeoJSON tile of fc drawn after reading, on up to
// workers goroutines: what the streamed drawing must match.
func encodeGeoJSON(fc *geojson.FeatureCollection, t maptile.Tile, workers int) ([]byte, error) {
	return geojsonOf(fc.Features, drawFeatures(fc.Features, workers, geojsonDraw(t)))
}
