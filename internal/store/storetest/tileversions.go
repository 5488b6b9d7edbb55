package storetest

import (
	"context"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/tiles"
)

// tileCheck renders tiles through one renderer over a store and tells
// whether each came from its cache.
type tileCheck struct {
	t  *testing.T
	r  *tiles.Renderer
	at maptile.Tile
}

// render returns a tile of layer served as name, and whether it was a
// cache hit (no render).
func (c tileCheck) render(name, layer string) (tiles.Tile, bool) {
	c.t.Helper()
	_, miss0, _ := c.r.CacheStats()
	tile, err := c.r.RenderAs(context.Background(), name, layer, c.at, tiles.MVT)
	if err != nil {
		c.t.Fatalf("tile of %s as %s: %v", layer, name, err)
	}
	_, miss1, _ := c.r.CacheStats()
	return tile, miss1 == miss0
}

// same fails unless layer's tile (served as name) is before's, from the
// cache.
func (c tileCheck) same(what, name, layer string, before tiles.Tile) {
	c.t.Helper()
	now, hit := c.render(name, layer)
	if !hit || now.ETag != before.ETag || now.Version != before.Version {
		c.t.Errorf("after %s, the tile of %s (as %s) is version %d %s, hit %v; want version %d %s from the cache",
			what, layer, name, now.Version, now.ETag, hit, before.Version, before.ETag)
	}
}

// changed fails unless layer's tile (served as name) has a newer version
// than before's, and returns it.
func (c tileCheck) changed(what, name, layer string, before tiles.Tile) tiles.Tile {
	c.t.Helper()
	now, _ := c.render(name, layer)
	if now.Version <= before.Version {
		c.t.Errorf("after %s, the tile of %s (as %s) is version %d, want newer than %d", what, layer, name, now.Version, before.Version)
	}
	return now
}

// tileVersionsPerLayer: a write changes the tiles of the layers it
// changes and no other. An asset added leaves the sets' cached tiles (and
// a series' release, and label tiles) cache hits and changes the asset
// tile; an area added to one set changes that set's tiles and not another
// set's nor the assets'; a series' tiles change with which release is
// current, to a version never served before.
func tileVersionsPerLayer(t *testing.T, st *store.DB) {
	ctx := context.Background()
	for _, slug := range []string{"a", "b"} {
		if _, err := st.ImportSet(ctx, testSet(slug), Grid()); err != nil {
			t.Fatal(err)
		}
	}
	w1, w2 := testSet("w1"), testSet("w2")
	if _, err := st.ImportRelease(ctx, w1, Grid(), place.Release{Series: "wards"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAssets(ctx, []place.Asset{asset("x1", "One", "library", orb.Point{-1.45, 53.3})}); err != nil {
		t.Fatal(err)
	}
	c := tileCheck{t: t, r: tiles.NewRenderer(st, 1<<20), at: maptile.At(orb.Point{-1.4, 53.35}, 9)}
	a, _ := c.render("a", "a")
	b, _ := c.render("b", "b")
	wards, _ := c.render("wards", "w1")
	assets, _ := c.render(tiles.AssetsLayer, tiles.AssetsLayer)
	labels, err := c.r.RenderLabels(ctx, "a", "a", c.at)
	if err != nil {
		t.Fatal(err)
	}

	if _, err := st.AddAssets(ctx, []place.Asset{asset("x2", "Two", "library", orb.Point{-1.3, 53.4})}); err != nil {
		t.Fatal(err)
	}
	c.same("an asset write", "a", "a", a)
	c.same("an asset write", "b", "b", b)
	c.same("an asset write", "wards", "w1", wards)
	if now, err := c.r.RenderLabels(ctx, "a", "a", c.at); err != nil || now.Version != labels.Version || now.ETag != labels.ETag {
		t.Errorf("after an asset write, a's label tile is version %d %s (%v), want %d %s", now.Version, now.ETag, err, labels.Version, labels.ETag)
	}
	if now := c.changed("an asset write", tiles.AssetsLayer, tiles.AssetsLayer, assets); now.ETag == assets.ETag {
		t.Errorf("after an asset write, the asset tile is the same %s: want the new asset in it", now.ETag)
	} else {
		assets = now
	}

	if err := st.AddArea(ctx, place.Area{Set: "a", Code: "C1", Name: "Area C1", Geometry: Square(-1.25, 53.25, 0.125)}); err != nil {
		t.Fatal(err)
	}
	if now := c.changed("an area added to a", "a", "a", a); now.ETag == a.ETag {
		t.Errorf("after an area added to a, a's tile is the same %s: want the area in it", now.ETag)
	}
	c.same("an area added to a", "b", "b", b)
	c.same("an area added to a", "wards", "w1", wards)
	c.same("an area added to a", tiles.AssetsLayer, tiles.AssetsLayer, assets)

	// The series' tiles follow its current release, each switch to a
	// version newer than any before (switching back too): an immutable
	// ?v= of the other release's tile never matches.
	if _, err := st.ImportRelease(ctx, w2, Grid(), place.Release{Series: "wards", Current: true}); err != nil {
		t.Fatal(err)
	}
	now := c.changed("w2 made current", "wards", "w2", wards)
	c.same("w2 made current", "b", "b", b)
	if err := st.SetCurrentRelease(ctx, "wards", "w1"); err != nil {
		t.Fatal(err)
	}
	c.changed("w1 made current again", "wards", "w1", now)
	c.same("w1 made current again", "b", "b", b)
}
