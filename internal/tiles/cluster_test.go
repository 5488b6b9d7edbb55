package tiles_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/tiles"
)

// TestDenseAssetTilesCarryCells: at low zoom a tile over more assets than
// tiles.ClusterAbove carries one point per occupied cell with the counts,
// adding up to every asset in the tile; sparse tiles, and every tile past
// ClusterMaxZoom, carry the assets themselves.
func TestDenseAssetTilesCarryCells(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// 60 × 50 assets on a grid over 0.6° × 0.25° around Sheffield, two
	// libraries to every park.
	var assets []place.Asset
	for i := 0; i < 60; i++ {
		for j := 0; j < 50; j++ {
			cat := "library"
			if (i+j)%3 == 0 {
				cat = "park"
			}
			assets = append(assets, place.Asset{ID: fmt.Sprintf("a%d-%d", i, j), Name: "Asset", Category: cat, Status: place.Open,
				Geometry: orb.Point{-1.8 + 0.01*float64(i), 53.25 + 0.005*float64(j)}})
		}
	}
	if _, err := st.AddAssets(ctx, assets); err != nil {
		t.Fatal(err)
	}
	r := tiles.NewRenderer(st, 0)
	inTile := func(assets []place.Asset, tile maptile.Tile) (all, libraries int) {
		b := tile.Bound()
		for _, a := range assets {
			p := a.Geometry.(orb.Point)
			if p[0] >= b.Min[0] && p[0] < b.Max[0] && p[1] >= b.Min[1] && p[1] < b.Max[1] {
				all++
				if a.Category == "library" {
					libraries++
				}
			}
		}
		return all, libraries
	}

	z8 := maptile.At(orb.Point{-1.5, 53.37}, 8)
	layer, size := renderAssets(t, r, z8)
	all, libraries := inTile(assets, z8)
	if all <= tiles.ClusterAbove {
		t.Fatalf("fixture: %d assets in the z8 tile, want more than %d", all, tiles.ClusterAbove)
	}
	counted, countedLibraries := 0, 0
	b := z8.Bound()
	for _, f := range layer.Features {
		n, ok := f.Properties["count"].(float64)
		if !ok || f.Properties["id"] != nil {
			t.Fatalf("z8 feature %v: want a cell with a count and no asset id", f.Properties)
		}
		counted += int(n)
		lib, _ := f.Properties["n_library"].(float64)
		park, _ := f.Properties["n_park"].(float64)
		countedLibraries += int(lib)
		if lib+park != n {
			t.Errorf("cell %v: categories add to %v, count %v", f.Properties, lib+park, n)
		}
		if want := map[bool]string{true: "library", false: "park"}[lib >= park]; f.Properties["category"] != want {
			t.Errorf("cell %v: category %v, want the most common, %s", f.Properties, f.Properties["category"], want)
		}
		if p := f.Geometry.(orb.Point); !b.Contains(p) {
			t.Errorf("cell point %v outside its tile %v", p, b)
		}
	}
	if counted != all || countedLibraries != libraries {
		t.Errorf("z8 cells count %d assets (%d libraries); the tile holds %d (%d)", counted, countedLibraries, all, libraries)
	}
	if len(layer.Features) > tiles.ClusterGrid*tiles.ClusterGrid || len(layer.Features) < 40 {
		t.Errorf("z8 tile has %d cells, want between 40 and %d", len(layer.Features), tiles.ClusterGrid*tiles.ClusterGrid)
	}
	t.Logf("z8 tile: %d assets in %d cells, %d bytes", all, len(layer.Features), size)

	// Past ClusterMaxZoom the assets themselves, however many.
	deep := maptile.At(orb.Point{-1.6, 53.3}, tiles.ClusterMaxZoom+1)
	layer, _ = renderAssets(t, r, deep)
	if len(layer.Features) == 0 {
		t.Fatal("no assets in the deep tile")
	}
	for _, f := range layer.Features {
		if f.Properties["id"] == nil || f.Properties["count"] != nil {
			t.Fatalf("z%d feature %v: want an asset", deep.Z, f.Properties)
		}
	}

	// A sparse low-zoom tile: the assets themselves.
	st2, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	if _, err := st2.AddAssets(ctx, assets[:tiles.ClusterAbove]); err != nil {
		t.Fatal(err)
	}
	r2 := tiles.NewRenderer(st2, 0)
	layer, _ = renderAssets(t, r2, z8)
	if n, _ := inTile(assets[:tiles.ClusterAbove], z8); n == 0 || len(layer.Features) < n {
		t.Errorf("sparse z8 tile: %d features", len(layer.Features))
	}
	for _, f := range layer.Features {
		if f.Properties["id"] == nil {
			t.Fatalf("sparse z8 feature %v: want an asset", f.Properties)
		}
	}
	// The same renderer once the store holds them all (a new data
	// version): it counts cells again, so the tile is cells.
	if _, err := st2.AddAssets(ctx, assets[tiles.ClusterAbove:]); err != nil {
		t.Fatal(err)
	}
	layer, _ = renderAssets(t, r2, z8)
	for _, f := range layer.Features {
		if f.Properties["count"] == nil {
			t.Fatalf("z8 feature %v after the store grew: want a cell", f.Properties)
		}
	}
}

// renderAssets renders a tile of assets and reads it back in degrees.
func renderAssets(t *testing.T, r *tiles.Renderer, tile maptile.Tile) (mvt.Layer, int) {
	t.Helper()
	got, err := r.Render(context.Background(), tiles.AssetsLayer, tile, tiles.MVT)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := mvt.Unmarshal(got.Data)
	if err != nil || len(layers) != 1 {
		t.Fatalf("tile %v: %v, %d layers", tile, err, len(layers))
	}
	layers.ProjectToWGS84(tile)
	return *layers[0], len(got.Data)
}

// TestAssetCellsAreTilesOfThePyramid: a dense tile's cells are the tiles
// five zooms deeper (128 units of its grid each way), whichever level of
// the store's cells they are read from: each cell's point lies in its
// cell, and its count is the assets whose location lies there.
func TestAssetCellsAreTilesOfThePyramid(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// 3,600 assets over 0.3° × 0.3° around Sheffield.
	var assets []place.Asset
	for i := 0; i < 60; i++ {
		for j := 0; j < 60; j++ {
			assets = append(assets, place.Asset{ID: fmt.Sprintf("a%d-%d", i, j), Name: "Asset", Category: "library", Status: place.Open,
				Geometry: orb.Point{-1.6 + 0.005*float64(i) + 0.0001*float64(j%7), 53.25 + 0.005*float64(j) + 0.0001*float64(i%5)}})
		}
	}
	if _, err := st.AddAssets(ctx, assets); err != nil {
		t.Fatal(err)
	}
	r := tiles.NewRenderer(st, 0)
	for z := maptile.Zoom(7); z <= 10; z++ {
		tile := maptile.At(orb.Point{-1.45, 53.4}, z)
		want := map[[2]int]int{}
		for _, a := range assets {
			p := a.Geometry.(orb.Point)
			if maptile.At(p, z) == tile {
				c := maptile.At(p, z+tiles.ClusterDepth)
				want[[2]int{int(c.X - tile.X*tiles.ClusterGrid), int(c.Y - tile.Y*tiles.ClusterGrid)}]++
			}
		}
		got, err := r.Render(ctx, tiles.AssetsLayer, tile, tiles.MVT)
		if err != nil {
			t.Fatal(err)
		}
		layers, err := mvt.Unmarshal(got.Data)
		if err != nil || len(layers) != 1 {
			t.Fatalf("tile %v: %v, %d layers", tile, err, len(layers))
		}
		have := map[[2]int]int{}
		for _, f := range layers[0].Features {
			p := f.Geometry.(orb.Point) // in the tile's units
			n, _ := f.Properties["count"].(float64)
			have[[2]int{int(p[0]) / (tiles.Extent / tiles.ClusterGrid), int(p[1]) / (tiles.Extent / tiles.ClusterGrid)}] += int(n)
		}
		if fmt.Sprint(have) != fmt.Sprint(want) {
			t.Errorf("z%d tile %v: cells by the points' place\n got %v\nwant %v", z, tile, have, want)
		}
	}
}
