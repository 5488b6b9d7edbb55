// Package atlas writes the map as a static site that needs no placemap
// server: one PMTiles file of the asset layer and chosen boundary sets (the
// live server's own tile bytes), the vendored MapLibre and pmtiles, the
// style, the glyphs it uses, GeoJSON, CSV and Open Referral UK downloads,
// and a page of attributions and licences. Any static host that serves
// byte ranges serves it.
package atlas

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/export"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/pmtiles"
	"github.com/placemap/placemap/internal/tiles"
	"github.com/placemap/placemap/web"
)

// TilesFile is the name of the PMTiles archive in the site.
const TilesFile = "placemap.pmtiles"

// Source is what the atlas reads: tiles and exports from one store.
type Source interface {
	tiles.Source
	export.Reader
}

// Options choose what the atlas holds.
type Options struct {
	Sets             []string // boundary set slugs; none: every current set
	MinZoom, MaxZoom uint8
}

// Summary says what Write wrote.
type Summary struct {
	Layers    []string // the asset layer, then the sets
	Tiles     int      // tiles in the archive (each holds every layer there)
	TileBytes int64    // size of the archive
	Files     int      // files written in all
	Took      time.Duration
}

// layer is one layer of the archive: the assets or one boundary set.
type layer struct {
	name   string
	set    *place.SetSummary // nil for the assets
	colour string
	bound  orb.Bound
	credit string // attribution
}

// Write writes the site into dir (made if missing; files of the same name
// are replaced). ENOTFOUND for an unknown set, EINVALID for zooms out of
// order or past tiles.MaxZoom.
func Write(ctx context.Context, st Source, dir string, opt Options) (Summary, error) {
	start := time.Now()
	if opt.MinZoom > opt.MaxZoom || opt.MaxZoom > tiles.MaxZoom {
		return Summary{}, place.Errorf(place.EINVALID, "zooms %d to %d: want min ≤ max ≤ %d", opt.MinZoom, opt.MaxZoom, tiles.MaxZoom)
	}
	layers, err := chooseLayers(ctx, st, opt.Sets)
	if err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Summary{}, err
	}
	w := &site{dir: dir}
	sum := Summary{}
	for _, l := range layers {
		sum.Layers = append(sum.Layers, l.name)
	}
	pm, err := buildTiles(ctx, tiles.NewRenderer(st, 0), layers, opt)
	if err != nil {
		return sum, err
	}
	sum.Tiles = pm.Len()
	if sum.TileBytes, err = w.writeTiles(pm); err != nil {
		return sum, err
	}
	names, err := w.downloads(ctx, st, layers)
	if err != nil {
		return sum, err
	}
	if err := w.glyphs(names); err != nil {
		return sum, err
	}
	if err := w.pages(ctx, st, layers, pm); err != nil {
		return sum, err
	}
	if err := w.vendored(); err != nil {
		return sum, err
	}
	sum.Files, sum.Took = w.files, time.Since(start)
	return sum, nil
}

// chooseLayers is the assets and the sets asked for (every current set if
// none), each set with the colour the live map's style gives it.
func chooseLayers(ctx context.Context, st Source, slugs []string) ([]layer, error) {
	stats, err := st.AssetStats(ctx)
	if err != nil {
		return nil, err
	}
	layers := []layer{{name: tiles.AssetsLayer, bound: stats.BBox, credit: strings.Join(stats.Attributions, "; ")}}
	all, err := st.Sets(ctx)
	if err != nil {
		return nil, err
	}
	colours := map[string]string{}
	n := 0
	for _, ss := range all {
		if ss.Current {
			colours[ss.Slug] = tiles.SetColours[n%len(tiles.SetColours)]
			n++
		}
	}
	for _, ss := range all {
		if (len(slugs) == 0 && ss.Current) || slices.Contains(slugs, ss.Slug) {
			c := colours[ss.Slug]
			if c == "" {
				c = tiles.SetColours[len(layers)%len(tiles.SetColours)]
			}
			layers = append(layers, layer{name: ss.Slug, set: &ss, colour: c, bound: ss.BBox, credit: ss.Attribution})
		}
	}
	for _, slug := range slugs {
		if !slices.ContainsFunc(layers, func(l layer) bool { return l.name == slug }) {
			return nil, place.Errorf(place.ENOTFOUND, "no boundary set %q", place.Excerpt(slug))
		}
	}
	return layers, nil
}

// site writes files under dir, each beside its final name and renamed, so
// a failure leaves no half file.
type site struct {
	dir   string
	files int
}

func (s *site) write(name string, b []byte) error {
	path := filepath.Join(s.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".partial"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("atlas %s: %w", name, err)
	}
	s.files++
	return os.Rename(tmp, path)
}

func (s *site) writeTiles(pm *pmtiles.Writer) (int64, error) {
	path := filepath.Join(s.dir, TilesFile)
	f, err := os.Create(path + ".partial")
	if err != nil {
		return 0, err
	}
	n, err := pm.WriteTo(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path + ".partial")
		return 0, fmt.Errorf("atlas %s: %w", TilesFile, err)
	}
	s.files++
	return n, os.Rename(path+".partial", path)
}

// vendored copies MapLibre and pmtiles, with their licences, from the
// files the binary embeds; the atlas's own page, script and style sheet
// too.
func (s *site) vendored() error {
	for _, name := range []string{"vendor/maplibre-gl/maplibre-gl.js", "vendor/maplibre-gl/maplibre-gl.css", "vendor/maplibre-gl/LICENSE.txt",
		"vendor/pmtiles/pmtiles.js", "vendor/pmtiles/LICENSE.txt"} {
		b, err := fs.ReadFile(web.FS, name)
		if err != nil {
			return err
		}
		if err := s.write(name, b); err != nil {
			return err
		}
	}
	for _, name := range []string{"index.html", "atlas.js", "atlas.css"} {
		b, err := fs.ReadFile(web.Atlas, "atlas/"+name)
		if err != nil {
			return err
		}
		if err := s.write(name, b); err != nil {
			return err
		}
	}
	return nil
}
