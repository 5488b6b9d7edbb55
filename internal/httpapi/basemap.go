package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/tiles"
)

// hasBasemap reports whether a street basemap is imported.
func (s *Server) hasBasemap(ctx context.Context) bool {
	if s.basemap == nil {
		return false
	}
	_, err := s.basemap.Basemap(ctx)
	return err == nil
}

// noBasemap is the error of a basemap request when there is none.
func noBasemap() error {
	return place.Errorf(place.ENOTFOUND, "no street basemap: import one with placemap import basemap FILE.osm.pbf")
}

// getBasemapTile serves /tiles/basemap/{z}/{x}/{y}.mvt (getTile routes it
// here: "basemap" is a reserved name no set can take).
func (s *Server) getBasemapTile(w http.ResponseWriter, r *http.Request) error {
	ys, ext, ok := strings.Cut(chi.URLParam(r, "file"), ".")
	if !ok || tileFormat(ext) != tiles.MVT {
		return place.Errorf(place.EINVALID, "basemap tile format %q: want .mvt", place.Excerpt(ext))
	}
	t, err := tiles.Coord(chi.URLParam(r, "z"), chi.URLParam(r, "x"), ys)
	if err != nil {
		return err
	}
	if s.basemap == nil {
		return noBasemap()
	}
	tile, err := s.tiles.RenderBasemap(r.Context(), s.basemap, t)
	if err != nil {
		return err
	}
	writeTile(w, r, tile, tiles.MVT)
	return nil
}

// getBasemapTileJSON serves /tiles/basemap.json.
func (s *Server) getBasemapTileJSON(w http.ResponseWriter, r *http.Request) error {
	if s.basemap == nil {
		return noBasemap()
	}
	tj, err := s.tiles.DescribeBasemap(r.Context(), s.basemap, s.baseURL(r)+"/tiles")
	if err != nil {
		return err
	}
	s.cacheURLDocument(w)
	writeJSON(w, http.StatusOK, tj)
	return nil
}

// Colours of the street basemap in the default style: quiet, so the
// boundary sets and assets drawn over it stay the map's subject.
const (
	bmWater    = "#aad3df"
	bmGreen    = "#d8e8c8"
	bmBuilding = "#e0dbd3"
	bmRoad     = "#ffffff"
	bmMajor    = "#f5d9a8"
	bmCasing   = "#c8c3bb"
	bmRail     = "#a0a0a0"
	bmPath     = "#b9a99a"
)

// basemapLayers are the style layers drawing the street basemap from the
// source src: areas, lines, then street and place names. The web map's
// own style (web/map/basemap.js) draws the same.
func basemapLayers(src string) []any {
	layer := func(id, typ, srcLayer string, minzoom int, filter any, layout, paint map[string]any) map[string]any {
		l := map[string]any{"id": "basemap-" + id, "type": typ, "source": src, "source-layer": srcLayer, "minzoom": minzoom, "paint": paint}
		if filter != nil {
			l["filter"] = filter
		}
		if layout != nil {
			l["layout"] = layout
		}
		return l
	}
	major := []any{"match", []any{"get", "class"}, []any{"motorway", "trunk", "primary"}, true, false}
	width := func(lo, hi float64) any {
		return []any{"interpolate", []any{"exponential", 1.6}, []any{"zoom"}, 10, lo, 18, hi}
	}
	round := map[string]any{"line-cap": "round", "line-join": "round"}
	return []any{
		layer("landuse", "fill", "landuse", 0, nil, nil, map[string]any{"fill-color": bmGreen}),
		layer("water", "fill", "water", 0, nil, nil, map[string]any{"fill-color": bmWater}),
		layer("waterways", "line", "waterways", 0, nil, round, map[string]any{"line-color": bmWater, "line-width": width(0.8, 6)}),
		layer("buildings", "fill", "buildings", 14, nil, nil, map[string]any{"fill-color": bmBuilding}),
		layer("paths", "line", "paths", 13, nil, round, map[string]any{"line-color": bmPath, "line-width": width(0.5, 2), "line-dasharray": []any{2, 1}}),
		layer("railways", "line", "railways", 0, nil, nil, map[string]any{"line-color": bmRail, "line-width": width(0.6, 2.5)}),
		layer("road-casing", "line", "roads", 12, nil, round, map[string]any{"line-color": bmCasing, "line-width": width(1.5, 18)}),
		layer("roads", "line", "roads", 0, nil, round, map[string]any{"line-color": []any{"case", major, bmMajor, bmRoad}, "line-width": width(1, 16)}),
		layer("street-names", "symbol", "roads", 13, []any{"has", "name"},
			map[string]any{"symbol-placement": "line", "text-field": []any{"get", "name"}, "text-font": []string{labelFont}, "text-size": 11},
			map[string]any{"text-color": "#555555", "text-halo-color": "#ffffff", "text-halo-width": 1.5}),
		layer("path-names", "symbol", "paths", 16, []any{"has", "name"},
			map[string]any{"symbol-placement": "line", "text-field": []any{"get", "name"}, "text-font": []string{labelFont}, "text-size": 10},
			map[string]any{"text-color": "#777777", "text-halo-color": "#ffffff", "text-halo-width": 1.5}),
		layer("place-names", "symbol", "places", 0, nil,
			map[string]any{"text-field": []any{"get", "name"}, "text-font": []string{labelFontBold},
				"text-size": []any{"match", []any{"get", "class"}, []any{"city", "town"}, 14, 11}, "text-max-width": 8},
			map[string]any{"text-color": "#666666", "text-halo-color": "#ffffff", "text-halo-width": 1.5}),
	}
}
