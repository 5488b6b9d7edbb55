package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/tiles"
)

// keptShapes: EachSetShape answers every area of a set once, with its
// full geometry and exactly its zoom bands, ENOTFOUND for an unknown set;
// tiles and label tiles drawn from a set's shapes kept in memory are the
// store's bytes at every zoom; after a write to the set, a tile shows the write at once
// (the kept shapes are of the old version), and shapes read again show it
// too; shapes read while the set was written are not kept; a set larger
// than the memory allowed is not kept and its tiles read the store; and
// the same of the assets (keptAssets).
func keptShapes(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("banded"), append(bandAreas(), Grid()...)); err != nil {
		t.Fatal(err)
	}
	setShapesRead(t, st)
	if err := st.EachSetShape(ctx, "nope", func(store.SetShape) error { return nil }); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("EachSetShape of an unknown set: %v, want ENOTFOUND", err)
	}

	plain := tiles.NewRenderer(st, 0)
	kept := tiles.NewRenderer(st, 0)
	kept.KeepShapes(ctx, st, 1<<30)
	if ok, err := kept.PrepareShapes("banded"); err != nil || !ok {
		t.Fatalf("PrepareShapes: kept %v, %v", ok, err)
	}
	var tls []maptile.Tile
	for z := maptile.Zoom(8); z <= 16; z++ {
		for _, p := range []orb.Point{{-1.45, 53.38}, {-1.40, 53.38}, {-1.5, 53.3}, {-1.37, 53.37}} {
			tls = append(tls, maptile.At(p, z))
		}
	}
	sameTiles(t, "kept shapes", plain, kept, tls)

	// A write: the kept shapes are of the version before it.
	d1 := place.Area{Set: "banded", Code: "D1", Name: "Detailed 1, redrawn", Geometry: Detailed(orb.Point{-1.45, 53.385}, 0.022, 3000, 0.015)}
	if _, err := st.UpdateArea(ctx, d1, 1); err != nil {
		t.Fatal(err)
	}
	sameTiles(t, "after a write", plain, kept, tls)
	if ok, err := kept.PrepareShapes("banded"); err != nil || !ok {
		t.Fatalf("PrepareShapes after a write: kept %v, %v", ok, err)
	}
	sameTiles(t, "kept again after a write", plain, kept, tls)

	// A write while the shapes are read: not kept.
	racing := tiles.NewRenderer(st, 0)
	racing.KeepShapes(ctx, writeWhileRead{DB: st, write: func() error {
		d1.Name = "Detailed 1, renamed while read"
		_, err := st.UpdateArea(ctx, d1, 2)
		return err
	}}, 1<<30)
	if ok, err := racing.PrepareShapes("banded"); err != nil || ok {
		t.Errorf("shapes read across a write: kept %v (%v), want not kept", ok, err)
	}

	small := tiles.NewRenderer(st, 0)
	small.KeepShapes(ctx, st, 1<<10)
	if ok, err := small.PrepareShapes("banded"); err != nil || ok {
		t.Errorf("shapes larger than 1 KiB kept in 1 KiB: %v (%v)", ok, err)
	}
	sameTiles(t, "a set too big to keep", plain, small, tls)
	keptAssets(t, st)
}

// setShapesRead: EachSetShape hands each area of the set once, with the
// geometry AreaShapes answers and store.Generalise's bands of it.
func setShapesRead(t *testing.T, st *store.DB) {
	ctx := context.Background()
	full, err := st.AreaShapes(ctx, "banded", store.ShapeQuery{BBox: orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]place.Area{}
	for _, a := range full {
		want[a.Code] = a
	}
	seen := map[string]bool{}
	err = st.EachSetShape(ctx, "banded", func(s store.SetShape) error {
		a, ok := want[s.Code]
		switch {
		case !ok || seen[s.Code]:
			t.Errorf("EachSetShape: area %s not in the set or handed twice", s.Code)
			return nil
		case s.ID != a.ID || s.Name != a.Name || !orb.Equal(s.Geometry, a.Geometry):
			t.Errorf("EachSetShape: area %s is %d %q, want %d %q and AreaShapes' geometry", s.Code, s.ID, s.Name, a.ID, a.Name)
		}
		seen[s.Code] = true
		bands := store.Generalise(a.Geometry)
		if len(s.Bands) != len(bands) {
			t.Errorf("EachSetShape: area %s has %d bands, want %d", s.Code, len(s.Bands), len(bands))
			return nil
		}
		for i, b := range bands {
			if s.Bands[i].Top != b.Top || !orb.Equal(s.Bands[i].Geometry, b.Geometry) {
				t.Errorf("EachSetShape: area %s band %d is z%d, want z%d and its geometry", s.Code, i, s.Bands[i].Top, b.Top)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(want) {
		t.Errorf("EachSetShape handed %d areas, want %d", len(seen), len(want))
	}
}

// sameTiles fails t unless got renders every tile of the set "banded", as
// MVT and GeoJSON, and its label tiles, to want's bytes.
func sameTiles(t *testing.T, when string, want, got *tiles.Renderer, tls []maptile.Tile) {
	t.Helper()
	sameLayerTiles(t, when, "banded", want, got, tls)
	for _, tl := range tls {
		w, err := want.RenderLabels(context.Background(), "banded", "banded", tl)
		if err != nil {
			t.Fatal(err)
		}
		g, err := got.RenderLabels(context.Background(), "banded", "banded", tl)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(w.Data, g.Data) {
			t.Errorf("%s: label tile %d/%d/%d is %d bytes, want %d", when, tl.Z, tl.X, tl.Y, len(g.Data), len(w.Data))
		}
	}
}

// sameLayerTiles is sameTiles of any layer.
func sameLayerTiles(t *testing.T, when, layer string, want, got *tiles.Renderer, tls []maptile.Tile) {
	t.Helper()
	ctx := context.Background()
	for _, tl := range tls {
		for _, f := range []tiles.Format{tiles.MVT, tiles.GeoJSON} {
			w, err := want.Render(ctx, layer, tl, f)
			if err != nil {
				t.Fatal(err)
			}
			g, err := got.Render(ctx, layer, tl, f)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(w.Data, g.Data) || w.Version != g.Version {
				t.Errorf("%s: tile %d/%d/%d.%s is %d bytes at version %d, want %d bytes at %d", when, tl.Z, tl.X, tl.Y, f, len(g.Data), g.Version, len(w.Data), w.Version)
			}
		}
	}
}

// writeWhileRead writes once, after handing over the first area.
type writeWhileRead struct {
	*store.DB
	write func() error
}

func (w writeWhileRead) EachSetShape(ctx context.Context, set string, yield func(store.SetShape) error) error {
	first := true
	return w.DB.EachSetShape(ctx, set, func(s store.SetShape) error {
		if first {
			first = false
			if err := w.write(); err != nil {
				return errors.Join(errors.New("the write while reading"), err)
			}
		}
		return yield(s)
	})
}

// keptAssets: asset tiles drawn from the assets kept in memory are the
// store's bytes at every zoom, with no list of assets read from the store:
// few assets (points on the edges of tiles' buffers too), then more than
// ClusterAbove (low-zoom tiles of cells, tiles beside them of points),
// polygons and one wider than the grid's cells; a write shows at once;
// assets past the memory allowed are not kept and tiles read the store.
func keptAssets(t *testing.T, st *store.DB) {
	ctx := context.Background()
	var tls []maptile.Tile
	var assets []place.Asset
	for z := maptile.Zoom(8); z <= 16; z++ {
		for _, p := range []orb.Point{{-1.47, 53.38}, {-1.44, 53.33}, {-1.3, 53.4}} {
			tls = append(tls, maptile.At(p, z))
		}
		tl := maptile.At(orb.Point{-1.47, 53.38}, z)
		// Points on the corners of the tile's buffered box, and just in
		// and out of it.
		b := tl.Bound(float64(tiles.Buffer) / tiles.Extent)
		for i, p := range []orb.Point{b.Min, b.Max, {b.Min[0] - 1e-9, b.Min[1]}, {b.Max[0] + 1e-12, b.Max[1]}, {b.Min[0] + 1e-9, b.Max[1] - 1e-9}} {
			assets = append(assets, asset(fmt.Sprintf("edge-%d-%d", z, i), fmt.Sprintf("Edge %d.%d", z, i), "library", p))
		}
	}
	if _, err := st.AddAssets(ctx, assets); err != nil {
		t.Fatal(err)
	}
	plain := tiles.NewRenderer(st, 0)
	reads := &assetReads{DB: st}
	kept := tiles.NewRenderer(reads, 0)
	kept.KeepShapes(ctx, st, 1<<30)
	prepared := func(when string) {
		t.Helper()
		if ok, err := kept.PrepareShapes(tiles.AssetsLayer); err != nil || !ok {
			t.Fatalf("%s: PrepareShapes(assets): kept %v, %v", when, ok, err)
		}
		reads.lists = 0
	}
	drawnFromMemory := func(when string) {
		t.Helper()
		sameLayerTiles(t, when, tiles.AssetsLayer, plain, kept, tls)
		if reads.lists != 0 {
			t.Errorf("%s: %d lists of assets read from the store, want none", when, reads.lists)
		}
	}
	prepared("few assets")
	drawnFromMemory("few assets kept")
	if _, err := st.AddAssets(ctx, []place.Asset{asset("new", "New", "family_hub", orb.Point{-1.47, 53.38})}); err != nil {
		t.Fatal(err)
	}
	sameLayerTiles(t, "after an asset write", tiles.AssetsLayer, plain, kept, tls)
	if reads.lists == 0 {
		t.Error("after an asset write: no tile read the store, want the write shown at once")
	}
	small := tiles.NewRenderer(st, 0)
	small.KeepShapes(ctx, st, 1<<10)
	if ok, err := small.PrepareShapes(tiles.AssetsLayer); err != nil || ok {
		t.Errorf("assets over 1 KiB kept in 1 KiB: %v (%v)", ok, err)
	}
	sameLayerTiles(t, "assets too big to keep", tiles.AssetsLayer, plain, small, tls)

	// More than ClusterAbove, some of them polygons, one wide.
	if _, err := st.AddAssets(ctx, manyAssets()); err != nil {
		t.Fatal(err)
	}
	prepared("many assets")
	drawnFromMemory("many assets kept")
	cells := 0
	for _, tl := range tls[:3] {
		tile, err := kept.Render(ctx, tiles.AssetsLayer, tl, tiles.GeoJSON)
		if err != nil {
			t.Fatal(err)
		}
		cells += bytes.Count(tile.Data, []byte(`"count":`))
	}
	if cells == 0 {
		t.Errorf("no z8 tile of %d assets drew cells: the fixture does not test them", tiles.ClusterAbove+200)
	}
}

// manyAssets are more than ClusterAbove assets, in one z8 tile and
// across tiles deeper, one in fifty a polygon, and one polygon wider than
// the kept assets' grid cells.
func manyAssets() []place.Asset {
	var many []place.Asset
	for i := range tiles.ClusterAbove + 200 {
		a := asset(fmt.Sprintf("m%d", i), fmt.Sprintf("Many %d", i), "village_hall", orb.Point{-1.5 + float64(i%40)*0.002, 53.34 + float64(i/40)*0.002})
		if i%50 == 0 {
			p := a.Geometry.(orb.Point)
			a.Category, a.Geometry = "park", orb.Polygon{{p, {p[0] + 0.001, p[1]}, {p[0] + 0.001, p[1] + 0.0007}, p}}
		}
		many = append(many, a)
	}
	wide := asset("wide", "Wide park", "park", orb.Point{})
	wide.Geometry = orb.Polygon{{{-1.6, 53.25}, {-1.2, 53.25}, {-1.2, 53.45}, {-1.6, 53.25}}}
	return append(many, wide)
}

// assetReads counts the lists of assets read from the store.
type assetReads struct {
	*store.DB
	lists int
}

func (r *assetReads) Assets(ctx context.Context, q store.AssetQuery) (store.AssetPage, error) {
	r.lists++
	return r.DB.Assets(ctx, q)
}
