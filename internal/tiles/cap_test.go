package tiles_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/tiles"
)

// crowd is a source with more assets in one place than a tile may carry,
// that hands out as many as it is asked for.
type crowd struct{ asked []int }

func (c *crowd) Set(context.Context, string) (place.SetSummary, error) {
	return place.SetSummary{}, place.Errorf(place.ENOTFOUND, "no sets")
}
func (c *crowd) AreaShapes(context.Context, string, store.ShapeQuery) ([]place.Area, error) {
	return nil, nil
}
func (c *crowd) EachAreaShape(context.Context, string, store.ShapeQuery, func(place.Area) error, func()) error {
	return nil
}
func (c *crowd) AssetCells(context.Context, store.CellQuery) ([]store.AssetCell, error) {
	return nil, nil
}
func (c *crowd) AssetStats(context.Context) (store.AssetStats, error) { return store.AssetStats{}, nil }
func (c *crowd) TileVersions(context.Context) (store.TileVersions, error) {
	return store.TileVersions{store.AllTiles: 1}, nil
}
func (c *crowd) Assets(_ context.Context, q store.AssetQuery) (store.AssetPage, error) {
	c.asked = append(c.asked, q.Limit)
	n := q.Limit
	if n <= 0 || n > 3*tiles.MaxFeatures {
		n = 3 * tiles.MaxFeatures // a store that did not cap would give this many
	}
	var page store.AssetPage
	for i := 0; i < n; i++ {
		page.Assets = append(page.Assets, place.Asset{ID: "a", Name: "x", Category: "library", Status: place.Open,
			Geometry: orb.Point{-1.47 + 1e-7*float64(i%1000), 53.38 + 1e-7*float64(i/1000)}})
	}
	return page, nil
}

// TestTileFeatureCap: a tile asks its source for at most MaxFeatures
// assets and carries no more, however many lie in it.
func TestTileFeatureCap(t *testing.T) {
	src := &crowd{}
	r := tiles.NewRenderer(src, 0)
	tile, err := r.Render(context.Background(), "assets", maptile.At(orb.Point{-1.47, 53.38}, 14), tiles.GeoJSON)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct{ Features []json.RawMessage }
	if err := json.Unmarshal(tile.Data, &fc); err != nil {
		t.Fatal(err)
	}
	if len(src.asked) != 1 || src.asked[0] != tiles.MaxFeatures || len(fc.Features) > tiles.MaxFeatures || len(fc.Features) == 0 {
		t.Errorf("asked for %v, tile holds %d features; want one ask for %d and at most that many", src.asked, len(fc.Features), tiles.MaxFeatures)
	}
}
