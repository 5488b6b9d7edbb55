package tiles

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
)

// demoStore is a GeoPackage store in the test's directory holding the
// demo data, closed when the test ends.
func demoStore(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := demo.Load(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	return st
}

// DemoStore is demoStore for the package's outside tests (tiles_test).
var DemoStore = demoStore

// Around is around, for the package's outside tests.
var Around = around
