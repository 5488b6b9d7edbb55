package gpkg

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// FuzzOpenGeoPackage opens whatever bytes sit where placemap.gpkg should
// be — a file copied in by hand, or given to `placemap copy --from` — and
// reads it: an error is fine, a panic is not.
func FuzzOpenGeoPackage(f *testing.F) {
	ctx := context.Background()
	dir := f.TempDir()
	st, err := Open(ctx, dir)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := st.AddAssets(ctx, []place.Asset{{ID: "a", Name: "Hall", Category: "library", Status: place.Open, Geometry: orb.Point{-1.4, 53.3}}}); err != nil {
		f.Fatal(err)
	}
	st.Close()
	seed, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add(seed[:4096])
	f.Add([]byte("SQLite format 3\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, FileName), b, 0o644); err != nil {
			t.Fatal(err)
		}
		st, err := Open(ctx, dir)
		if err != nil {
			return
		}
		defer st.Close()
		_, _ = st.Sets(ctx)
		_, _ = st.Assets(ctx, store.AssetQuery{})
		_, _ = store.AllAssets(ctx, st)
	})
}
