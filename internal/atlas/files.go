package atlas

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/placemap/placemap/internal/export"
	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/glyphs"
	"github.com/placemap/placemap/internal/oruk"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/tiles"
)

// Download is one file of data the site offers.
type Download struct {
	Path, Title, Format string
}

// downloadsOf lists the files downloads writes, in the order the pages
// list them.
func downloadsOf(layers []layer) []Download {
	var out []Download
	for _, l := range layers {
		title := "Assets"
		if l.set != nil {
			title = l.set.Title
		}
		out = append(out, Download{"data/" + l.name + ".geojson", title, "GeoJSON"}, Download{"data/" + l.name + ".csv", title, "CSV"})
	}
	return append(out, Download{"data/oruk.json", "Assets as Open Referral UK services", "ORUK JSON"})
}

// downloads writes each layer as GeoJSON and CSV (WKT geometry), as
// "placemap export" writes them, and the assets as Open Referral UK
// services. It returns every name in them, for the glyphs.
func (s *site) downloads(ctx context.Context, st Source, layers []layer) ([]string, error) {
	var names []string
	for _, l := range layers {
		var fl formats.Layer
		var err error
		if l.set == nil {
			fl, err = export.Assets(ctx, st)
		} else {
			fl, err = export.Set(ctx, st, l.name)
		}
		if err != nil {
			return nil, err
		}
		rows := fl.Rows
		fl.Rows = func(yield func(formats.Row) error) error {
			return rows(func(r formats.Row) error {
				if len(r.Values) > 1 {
					if s, ok := r.Values[1].(string); ok && l.set != nil {
						names = append(names, s)
					} else if s, ok := r.Values[0].(string); ok && l.set == nil {
						names = append(names, s)
					}
				}
				return yield(r)
			})
		}
		for _, f := range []export.Format{export.GeoJSON, export.CSV} {
			var buf bytes.Buffer
			if err := export.Write(ctx, &buf, f, fl, formats.CSVWKT); err != nil {
				return nil, fmt.Errorf("atlas %s as %s: %w", l.name, f, err)
			}
			if err := s.write("data/"+l.name+"."+string(f), buf.Bytes()); err != nil {
				return nil, err
			}
		}
	}
	return names, s.oruk(ctx, st)
}

// oruk writes every asset as an Open Referral UK service, one page of the
// ORUK API's GET /services, as "placemap export oruk" does.
func (s *site) oruk(ctx context.Context, st Source) error {
	assets, err := store.AllAssets(ctx, st)
	if err != nil {
		return err
	}
	services := make([]oruk.Service, len(assets))
	for i, a := range assets {
		services[i] = oruk.FromAsset(a)
	}
	b, err := json.MarshalIndent(oruk.NewPage(services, 1, max(1, len(services)), len(services)), "", " ")
	if err != nil {
		return err
	}
	return s.write("data/oruk.json", append(b, '\n'))
}

// glyphs writes the glyph ranges the labels need, in both fonts the style
// names: the ranges of every character of the names, and the first (Latin)
// always, at fonts/{fontstack}/{range}.pbf as MapLibre asks.
func (s *site) glyphs(names []string) error {
	ranges := []rune{0}
	for _, n := range names {
		for _, r := range n {
			if start := r &^ 255; !slices.Contains(ranges, start) && start <= 65280 {
				ranges = append(ranges, start)
			}
		}
	}
	slices.Sort(ranges)
	f := glyphs.New()
	for _, stack := range []string{glyphs.Regular, glyphs.Bold} {
		for _, start := range ranges {
			rng := fmt.Sprintf("%d-%d", start, start+255)
			b, err := f.Range(stack, rng)
			if err != nil {
				return err
			}
			if err := s.write(path.Join("fonts", stack, rng+".pbf"), b); err != nil {
				return err
			}
		}
	}
	return nil
}

// style is the map's style: the live map's look for the sets (outline,
// faint fill, names) and the assets (dots, names from z14), every layer
// from the one PMTiles source. URLs are relative to the page; atlas.js
// makes them absolute before MapLibre reads them.
func style(layers []layer, center [2]float64, zoom uint8) map[string]any {
	src := "placemap"
	var credits []string
	for _, l := range layers {
		if l.credit != "" && !slices.Contains(credits, l.credit) {
			credits = append(credits, l.credit)
		}
	}
	out := []any{map[string]any{"id": "background", "type": "background", "paint": map[string]any{"background-color": "#f8f8f4"}}}
	var labels []any
	for _, l := range layers {
		if l.set == nil {
			continue
		}
		out = append(out,
			map[string]any{"id": "fill:" + l.name, "type": "fill", "source": src, "source-layer": l.name,
				"paint": map[string]any{"fill-color": l.colour, "fill-opacity": 0.06}},
			map[string]any{"id": "line:" + l.name, "type": "line", "source": src, "source-layer": l.name,
				"paint": map[string]any{"line-color": l.colour, "line-width": 1.2}})
		labels = append(labels, map[string]any{"id": "label:" + l.name, "type": "symbol", "source": src, "source-layer": LabelsLayer(l.name),
			"layout": map[string]any{"text-field": []any{"get", "name"}, "text-font": []string{glyphs.Regular}, "text-size": 12, "text-max-width": 8},
			"paint":  map[string]any{"text-color": "#222222", "text-halo-color": "#ffffff", "text-halo-width": 1.5}})
	}
	out = append(out, map[string]any{"id": "assets", "type": "circle", "source": src, "source-layer": tiles.AssetsLayer,
		"paint": map[string]any{"circle-radius": 4, "circle-color": "#333333", "circle-stroke-color": "#ffffff", "circle-stroke-width": 1}})
	out = append(out, labels...)
	out = append(out, map[string]any{"id": "asset-names", "type": "symbol", "source": src, "source-layer": tiles.AssetsLayer,
		"minzoom": 14, "filter": []any{"has", "name"},
		"layout": map[string]any{"text-field": []any{"get", "name"}, "text-font": []string{glyphs.Bold}, "text-size": 11,
			"text-anchor": "top", "text-offset": []any{0, 0.7}, "text-max-width": 10, "text-optional": true},
		"paint": map[string]any{"text-color": "#333333", "text-halo-color": "#ffffff", "text-halo-width": 1.5}})
	return map[string]any{
		"version": 8,
		"name":    "placemap atlas",
		"glyphs":  "fonts/{fontstack}/{range}.pbf",
		"sources": map[string]any{src: map[string]any{"type": "vector", "url": "pmtiles://" + TilesFile,
			"attribution": strings.Join(credits, "; ")}},
		"layers": out,
		// The legend atlas.js shows: each layer's title and colour.
		"metadata": map[string]any{"placemap:legend": legend(layers)},
		"center":   center,
		"zoom":     zoom,
	}
}
