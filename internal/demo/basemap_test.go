package demo_test

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/placemap/placemap/geodata"
	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/testkit"
)

// TestLoadBasemap: a file on disk is imported as the demo's basemap; with
// none named, the extract in geodata/basemap is, or when there is none the
// demo logs how to add one and goes on without.
func TestLoadBasemap(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, nil))
	embedded, err := fs.Glob(geodata.FS, demo.BasemapDir+"/*.osm*")
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadBasemap(ctx, st, logger, ""); err != nil {
		t.Fatal(err)
	}
	_, err = st.Basemap(ctx)
	switch {
	case len(embedded) == 0 && (place.ErrorCode(err) != place.ENOTFOUND || !strings.Contains(log.String(), "placemap import basemap FILE.osm.pbf")):
		t.Errorf("no embedded extract: basemap %v, log %q", err, log.String())
	case len(embedded) > 0 && err != nil:
		t.Errorf("embedded %v: basemap %v", embedded, err)
	}
	leeds := filepath.Join(testkit.RepoRoot(t), "geodata/osm/uk-clips/leeds_cycleway.osm")
	if err := demo.LoadBasemap(ctx, st, logger, leeds); err != nil {
		t.Fatal(err)
	}
	if info, err := st.Basemap(ctx); err != nil || info.Source != "leeds_cycleway.osm" {
		t.Errorf("basemap from PLACEMAP_DEMO_BASEMAP: %+v %v", info, err)
	}
	if err := demo.LoadBasemap(ctx, st, logger, filepath.Join(t.TempDir(), "missing.osm.pbf")); err == nil || !strings.Contains(err.Error(), "missing.osm.pbf") {
		t.Errorf("a missing file: %v", err)
	}
}
