package gpkg_test

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
)

// TestDataVersionSeesOtherWriters: the data version and the tile layers'
// versions, answered without reading them while nothing commits, still
// move on a write through another handle on the file (another process's),
// as on one through its own.
func TestDataVersionSeesOtherWriters(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := gpkg.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := gpkg.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	asset := func(id string) []place.Asset {
		return []place.Asset{{ID: id, Name: "Hall " + id, Category: "community_hall", Status: place.Open, Geometry: orb.Point{-1.47, 53.38}}}
	}
	v0, err := a.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := a.DataVersion(ctx); again != v0 {
		t.Fatalf("version moved with no write: %d then %d", v0, again)
	}
	tv0, err := a.TileVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range []struct {
		name string
		st   *store.DB
	}{{"its own", a}, {"another handle", b}, {"its own again", a}} {
		if _, err := w.st.AddAssets(ctx, asset(string(rune('a'+i)))); err != nil {
			t.Fatal(err)
		}
		v, err := a.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v <= v0 {
			t.Errorf("after a write through %s: version %d, was %d", w.name, v, v0)
		}
		if vb, _ := b.DataVersion(ctx); vb != v {
			t.Errorf("after a write through %s: the handles say %d and %d", w.name, v, vb)
		}
		v0 = v
		// The asset tiles' version, read the same way, moves with it.
		tv, err := a.TileVersions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if tv.Of(store.AssetsTiles) != v || tv.Of(store.SetTiles("x")) != tv0.Of(store.SetTiles("x")) {
			t.Errorf("after a write through %s: asset tiles at %d, other tiles at %d; want %d and still %d",
				w.name, tv.Of(store.AssetsTiles), tv.Of(store.SetTiles("x")), v, tv0.Of(store.SetTiles("x")))
		}
	}
}
