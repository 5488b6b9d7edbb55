package demo

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/placemap/placemap/geodata"
	"github.com/placemap/placemap/internal/basemap"
	"github.com/placemap/placemap/internal/osm"
)

// BasemapDir is the folder of geodata whose OpenStreetMap extract, if it
// holds one, is the demo's street basemap.
const BasemapDir = "basemap"

// osmSuffixes are the names LoadBasemap takes for an extract.
var osmSuffixes = []string{".osm.pbf", ".osm", ".osm.bz2", ".osm.gz"}

// LoadBasemap imports the demo's street basemap: the file at path file on
// disk when it is not "", else the extract embedded in geodata/basemap,
// if there is one. With neither it logs how to add one and returns nil:
// the demo works without streets.
func LoadBasemap(ctx context.Context, st basemap.Store, log *slog.Logger, file string) error {
	src, name := osm.File(file), filepath.Base(file)
	if file == "" {
		embedded, err := embeddedBasemap()
		if err != nil {
			return err
		}
		if embedded == "" {
			log.Info("no street basemap in the demo: add one with placemap import basemap FILE.osm.pbf (or PLACEMAP_DEMO_BASEMAP=FILE on first run)")
			return nil
		}
		src = func() (io.ReadCloser, error) { return geodata.FS.Open(embedded) }
		name = path.Base(embedded)
	}
	start := time.Now()
	res, err := basemap.Import(ctx, st, src, name, basemap.Options{})
	if err != nil {
		return fmt.Errorf("demo basemap: %w", err)
	}
	log.Info("demo basemap loaded", "file", name, "streets", res.Streets, "places", res.Places, "features", res.Features,
		"took", time.Since(start).Round(time.Millisecond))
	return nil
}

// embeddedBasemap is the path in geodata.FS of the first extract in
// BasemapDir, or "".
func embeddedBasemap() (string, error) {
	entries, err := fs.ReadDir(geodata.FS, BasemapDir)
	if err != nil {
		return "", fmt.Errorf("demo basemap: %w", err)
	}
	for _, e := range entries {
		for _, s := range osmSuffixes {
			if !e.IsDir() && strings.HasSuffix(e.Name(), s) {
				return path.Join(BasemapDir, e.Name()), nil
			}
		}
	}
	return "", nil
}
