package tiles

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// TestKeptAssetsGrid: the grid finds exactly the assets whose box meets a
// query box, as a scan of them all does, however the assets lie (in
// clusters, on one line, all at one point, polygons wider than a cell)
// and whatever the box (inside, across the edge, beyond, infinite); the
// features come in feature id order with the asset's fields; past the
// limit the kept assets say so (the store answers).
func TestKeptAssetsGrid(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	layouts := map[string]func(i int) orb.Geometry{
		"clusters": func(i int) orb.Geometry {
			c := orb.Point{-1.5 + float64(i%7)*0.8, 53.3 + float64(i%5)*0.3}
			return orb.Point{c[0] + rnd.NormFloat64()*0.01, c[1] + rnd.NormFloat64()*0.01}
		},
		"line":      func(i int) orb.Geometry { return orb.Point{-3 + float64(i)*1e-4, 53.4} },
		"one point": func(int) orb.Geometry { return orb.Point{-1.47, 53.38} },
		"polygons": func(i int) orb.Geometry {
			p := orb.Point{-1.6 + rnd.Float64()*0.4, 53.3 + rnd.Float64()*0.2}
			d := 0.002 + rnd.Float64()*0.008 // up to about a cell
			if i%97 == 0 {
				d = 0.3 // wider than a cell
			}
			return orb.Polygon{{p, {p[0] + d, p[1]}, {p[0] + d, p[1] + d}, p}}
		},
	}
	for name, at := range layouts {
		t.Run(name, func(t *testing.T) {
			k := &keptAssets{catIndex: map[string]int{}, statIndex: map[string]int{}}
			added := map[int64]store.AssetShape{}
			for i := range 3000 {
				a := store.AssetShape{FID: int64(3000 - i), ID: fmt.Sprintf("a%d", i), Name: fmt.Sprintf("Asset %d", i),
					Category: []string{"library", "park", "village_hall"}[i%3], Status: place.Open, Geometry: at(i)}
				if err := k.add(a); err != nil {
					t.Fatal(err)
				}
				added[a.FID] = a
			}
			k.index()
			ext := orb.Bound{Min: orb.Point{-3.5, 52.9}, Max: orb.Point{4, 54.9}}
			boxes := []orb.Bound{ext, {Min: orb.Point{-1.48, 53.37}, Max: orb.Point{-1.46, 53.39}},
				{Min: orb.Point{-180, -90}, Max: orb.Point{-10, 0}}, cellGround(maptile.At(orb.Point{-1.47, 53.38}, 0))}
			for range 500 {
				// Near an asset, mostly.
				c := k.rows[rnd.IntN(len(k.rows))].centre()
				p := orb.Point{c[0] + rnd.NormFloat64()*0.02, c[1] + rnd.NormFloat64()*0.02}
				d := rnd.ExpFloat64() * 0.05
				boxes = append(boxes, orb.Bound{Min: p, Max: orb.Point{p[0] + d, p[1] + d*0.6}})
			}
			for _, b := range boxes {
				var want []int64
				for i := range k.rows {
					a := &k.rows[i]
					if float64(a.box[0]) <= b.Max[0] && float64(a.box[2]) >= b.Min[0] && float64(a.box[1]) <= b.Max[1] && float64(a.box[3]) >= b.Min[1] {
						want = append(want, a.fid)
					}
				}
				slices.Sort(want)
				fc, ok := k.features(b, len(k.rows))
				if !ok {
					t.Fatalf("box %v: over the limit of every asset", b)
				}
				var got []int64
				for _, f := range fc.Features {
					got = append(got, int64(f.ID.(uint64)))
				}
				if !slices.Equal(got, want) {
					t.Fatalf("box %v: %d assets %v…, want %d", b, len(got), got[:min(len(got), 5)], len(want))
				}
				if n := k.count(b, 10); n != min(len(want), 11) {
					t.Fatalf("box %v: count up to 10 is %d, want %d", b, n, min(len(want), 11))
				}
				if len(want) > 3 {
					if _, ok := k.features(b, len(want)-1); ok {
						t.Fatalf("box %v: %d assets within a limit of %d", b, len(want), len(want)-1)
					}
				}
			}
			fc, _ := k.features(orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}, len(k.rows))
			if len(fc.Features) != len(added) {
				t.Fatalf("%d features of the world, want %d", len(fc.Features), len(added))
			}
			for _, f := range fc.Features {
				a := added[int64(f.ID.(uint64))]
				if f.Properties["id"] != a.ID || f.Properties["name"] != a.Name || f.Properties["category"] != a.Category ||
					f.Properties["status"] != string(a.Status) || !orb.Equal(f.Geometry, a.Geometry) {
					t.Fatalf("feature %v: %v %v, want %+v", f.ID, f.Properties, f.Geometry, a)
				}
			}
		})
	}
}
