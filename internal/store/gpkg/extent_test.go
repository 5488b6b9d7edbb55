package gpkg

import (
	"context"
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
)

// TestContentsExtentFromRTreeRoot: gpkg_contents' extent for assets, read
// from the R-tree's root node, holds every asset and is exact to a 32-bit
// float's step, however deep the tree has grown.
func TestContentsExtentFromRTreeRoot(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var assets []place.Asset
	var want orb.Bound
	for i := 0; i < 3000; i++ { // deep enough for an R-tree of three levels
		p := orb.Point{-5 + 10*float64(i%97)/97 + 0.123456789, 50 + 8*float64(i/97)/31 + 0.000000321}
		assets = append(assets, place.Asset{ID: fmt.Sprint(i), Name: "A", Category: "library", Status: place.Open, Geometry: p})
		if i == 0 {
			want = p.Bound()
		} else {
			want = want.Extend(p)
		}
	}
	if _, err := st.AddAssets(ctx, assets); err != nil {
		t.Fatal(err)
	}
	var root []byte
	if err := st.Dialect().Conns.Reads().QueryRow(ctx, `SELECT data FROM rtree_assets_geom_node WHERE nodeno = 1`).Scan(&root); err != nil {
		t.Fatal(err)
	}
	depth := int(root[0])<<8 | int(root[1])
	if depth < 1 {
		t.Errorf("R-tree depth %d: the test wants a tree of more than one level", depth)
	}
	var minx, maxx, miny, maxy float64
	if err := st.Dialect().Conns.Reads().QueryRow(ctx, `SELECT min_x, max_x, min_y, max_y FROM gpkg_contents WHERE table_name = 'assets'`).Scan(&minx, &maxx, &miny, &maxy); err != nil {
		t.Fatal(err)
	}
	const step = 1e-5 // a float32's step at 50°, and then some
	if minx > want.Min[0] || maxx < want.Max[0] || miny > want.Min[1] || maxy < want.Max[1] ||
		want.Min[0]-minx > step || maxx-want.Max[0] > step || want.Min[1]-miny > step || maxy-want.Max[1] > step {
		t.Errorf("extent %v %v %v %v, want about %v (tree depth %d)", minx, maxx, miny, maxy, want, depth)
	}
	t.Logf("R-tree depth %d", depth)
}
