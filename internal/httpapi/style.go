package httpapi

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/tiles"
)

// Fonts of the map's labels, served by placemap at /fonts/{fontstack}/{range}.pbf.
const (
	labelFont     = "DejaVu Sans Book"
	labelFontBold = "DejaVu Sans Bold"
)

// setColours are the outline colours of the boundary sets in the default
// style, in the order the sets are listed (the static atlas uses the same).
var setColours = tiles.SetColours

// glyphsPath is where the map's glyphs are served, as MapLibre's glyphs
// URL template.
const glyphsPath = "/fonts/{fontstack}/{range}.pbf"

// glyphsURL is the web map's glyph URL (relative to the site) when the
// router has a font route, else "": then the map draws no text rather than
// asking for fonts that are not there.
func glyphsURL(r chi.Routes) string {
	if strings.HasPrefix(r.Find(chi.NewRouteContext(), http.MethodGet, "/fonts/"+labelFont+"/0-255.pbf"), "/fonts/") {
		return strings.TrimPrefix(glyphsPath, "/")
	}
	return ""
}

// getLabelTile serves a set's label tile: a point per area, where its name
// goes (tiles.RenderLabels).
func (s *Server) getLabelTile(w http.ResponseWriter, r *http.Request) error {
	layer := chi.URLParam(r, "layer")
	ys, ext, ok := strings.Cut(chi.URLParam(r, "file"), ".")
	if !ok || tileFormat(ext) != tiles.MVT {
		return place.Errorf(place.EINVALID, "label tile format %q: want .mvt", place.Excerpt(ext))
	}
	t, err := tiles.Coord(chi.URLParam(r, "z"), chi.URLParam(r, "x"), ys)
	if err != nil {
		return err
	}
	tile, err := s.tiles.RenderLabels(r.Context(), layer, layer, t)
	if place.ErrorCode(err) == place.ENOTFOUND {
		// A series' labels are its current release's.
		if current := s.currentRelease(r.Context(), layer); current != "" {
			tile, err = s.tiles.RenderLabels(r.Context(), layer, current, t)
		}
	}
	if err != nil {
		return err
	}
	writeTile(w, r, tile, tiles.MVT)
	return nil
}

// getStyle serves the map's default style (MapLibre style spec version 8):
// every current boundary set outlined and its areas named, and the assets
// with their names at street zooms, the text in placemap's own fonts.
func (s *Server) getStyle(w http.ResponseWriter, r *http.Request) error {
	sets, err := s.areas.Sets(r.Context())
	if err != nil {
		return err
	}
	base := s.baseURL(r)
	sources := map[string]any{
		tiles.AssetsLayer: map[string]any{"type": "vector", "url": base + "/tiles/" + tiles.AssetsLayer + ".json"},
	}
	layers := []any{map[string]any{"id": "background", "type": "background", "paint": map[string]any{"background-color": "#f8f8f4"}}}
	if s.cfg.BasemapStyleURL == "" && s.hasBasemap(r.Context()) {
		// The street basemap, under everything placemap draws.
		sources[tiles.BasemapLayer] = map[string]any{"type": "vector", "url": base + "/tiles/" + tiles.BasemapLayer + ".json",
			"attribution": tiles.BasemapAttribution}
		layers = append(layers, basemapLayers(tiles.BasemapLayer)...)
	}
	var labels []any
	n := 0
	for _, ss := range sets {
		if !ss.Current {
			continue
		}
		colour := setColours[n%len(setColours)]
		n++
		src, lsrc := ss.Slug, "labels:"+ss.Slug
		sources[src] = map[string]any{"type": "vector", "url": base + "/tiles/" + ss.Slug + ".json"}
		// The labels' tiles carry their set's version (?v=), as its
		// TileJSON's do: kept for good, never stale.
		sources[lsrc] = map[string]any{"type": "vector", "maxzoom": tiles.DataMaxZoom, "attribution": ss.Attribution,
			"tiles": []string{s.tiles.LabelsURL(r.Context(), ss.Slug, ss.Slug, base+"/tiles")}}
		layers = append(layers,
			map[string]any{"id": "fill:" + src, "type": "fill", "source": src, "source-layer": ss.Slug,
				"paint": map[string]any{"fill-color": colour, "fill-opacity": 0.06}},
			map[string]any{"id": "line:" + src, "type": "line", "source": src, "source-layer": ss.Slug,
				"paint": map[string]any{"line-color": colour, "line-width": 1.2}})
		labels = append(labels, map[string]any{"id": "label:" + src, "type": "symbol", "source": lsrc, "source-layer": tiles.LabelsLayer,
			"layout": map[string]any{"text-field": []any{"get", "name"}, "text-font": []string{labelFont}, "text-size": 12, "text-max-width": 8},
			"paint":  map[string]any{"text-color": "#222222", "text-halo-color": "#ffffff", "text-halo-width": 1.5}})
	}
	layers = append(layers,
		map[string]any{"id": "assets", "type": "circle", "source": tiles.AssetsLayer, "source-layer": tiles.AssetsLayer,
			"paint": map[string]any{"circle-radius": 4, "circle-color": "#333333", "circle-stroke-color": "#ffffff", "circle-stroke-width": 1}})
	layers = append(layers, labels...)
	layers = append(layers, map[string]any{"id": "asset-names", "type": "symbol", "source": tiles.AssetsLayer, "source-layer": tiles.AssetsLayer,
		"minzoom": 14, "filter": []any{"has", "name"},
		"layout": map[string]any{"text-field": []any{"get", "name"}, "text-font": []string{labelFontBold}, "text-size": 11,
			"text-anchor": "top", "text-offset": []any{0, 0.7}, "text-max-width": 10, "text-optional": true},
		"paint": map[string]any{"text-color": "#333333", "text-halo-color": "#ffffff", "text-halo-width": 1.5}})
	style := map[string]any{
		"version": 8,
		"name":    "placemap",
		"glyphs":  base + glyphsPath,
		"sources": sources,
		"layers":  layers,
	}
	// Opened on the sets: their middle, at a city's zoom.
	if b, ok := currentBounds(sets); ok {
		style["center"], style["zoom"] = []float64{(b.Min[0] + b.Max[0]) / 2, (b.Min[1] + b.Max[1]) / 2}, 10
	}
	s.cacheURLDocument(w)
	writeJSON(w, http.StatusOK, style)
	return nil
}

// currentBounds is the box around the current boundary sets; false when
// there are none.
func currentBounds(sets []place.SetSummary) (orb.Bound, bool) {
	var b orb.Bound
	ok := false
	for _, ss := range sets {
		switch {
		case !ss.Current || ss.BBox.IsZero():
		case !ok:
			b, ok = ss.BBox, true
		default:
			b = b.Union(ss.BBox)
		}
	}
	return b, ok
}
