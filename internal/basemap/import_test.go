package basemap_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/placemap/placemap/internal/basemap"
	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/testkit"
)

// TestImportCancelled: an import cancelled while it reads stops (the
// reading goroutine and the writes both), writes nothing, and says why.
func TestImportCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	file := filepath.Join(testkit.RepoRoot(t), "geodata/osm/delaware-latest.osm.pbf")
	_, err = basemap.Import(ctx, st, osm.File(file), "delaware-latest.osm.pbf", basemap.Options{
		Progress: func(p osm.Progress) {
			if p.Objects > 0 {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := st.Basemap(context.Background()); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("after a cancelled import: %v, want no basemap", err)
	}
}
