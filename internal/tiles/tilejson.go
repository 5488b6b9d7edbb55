package tiles

import (
	"context"
	"strconv"
	"strings"

	"github.com/placemap/placemap/internal/place"
)

// SetColours are the outline colours of the current boundary sets in the
// map's default style, in the order the sets are listed: the live map's
// style and the static atlas's draw each set in the same colour.
var SetColours = [...]string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"}

// TileJSON is a TileJSON 3.0.0 document.
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description,omitempty"`
	Attribution  string        `json:"attribution,omitempty"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       []float64     `json:"bounds,omitempty"`
	Center       []float64     `json:"center,omitempty"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer describes one layer inside the tiles.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description,omitempty"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// TilesURL is the tile URL template of layer served under name (a
// series' current release under the series' name) under baseURL, with the
// version of its data (?v=) when that can be read: a write to the layer
// changes its tile URLs, so browsers and CDNs may keep tiles for good and
// still never show stale ones once they fetch the TileJSON again.
func (r *Renderer) TilesURL(ctx context.Context, name, layer, baseURL string) string {
	return r.versionedURL(ctx, name, layer, strings.TrimRight(baseURL, "/")+"/"+name+"/{z}/{x}/{y}.mvt")
}

// LabelsURL is TilesURL for the label tiles of layer served under name
// (RenderLabels), whose versions are the layer's.
func (r *Renderer) LabelsURL(ctx context.Context, name, layer, baseURL string) string {
	return r.versionedURL(ctx, name, layer, strings.TrimRight(baseURL, "/")+"/"+name+"/labels/{z}/{x}/{y}.mvt")
}

// versionedURL adds to u the version of layer served under name, when
// that can be read.
func (r *Renderer) versionedURL(ctx context.Context, name, layer, u string) string {
	if v, err := r.src.TileVersions(ctx); err == nil {
		u += "?v=" + strconv.FormatInt(layerVersion(v, name, layer), 10)
	}
	return u
}

// Describe returns the TileJSON of a layer whose tiles are served under
// baseURL (e.g. "http://host/tiles"). ENOTFOUND for an unknown layer.
func (r *Renderer) Describe(ctx context.Context, layer, baseURL string) (TileJSON, error) {
	tj := TileJSON{
		TileJSON: "3.0.0",
		Name:     layer,
		Scheme:   "xyz",
		Tiles:    []string{strings.TrimRight(baseURL, "/") + "/" + layer + "/{z}/{x}/{y}.mvt"},
		MinZoom:  0,
		MaxZoom:  DataMaxZoom,
	}
	if layer == AssetsLayer {
		tj.Description = "Civic assets"
		tj.VectorLayers = []VectorLayer{{ID: AssetsLayer, MaxZoom: DataMaxZoom, Description: "Civic assets: points, or polygons for sites",
			Fields: map[string]string{"id": "String", "name": "String", "category": "String", "status": "String",
				"count": "Number: a cell of assets, at z12 and below where a tile holds over 1,000 (category is then its most common; n_<category> counts each)"}}}
		st, err := r.src.AssetStats(ctx)
		if err != nil {
			return tj, err
		}
		tj.Attribution = strings.Join(st.Attributions, "; ")
		if st.Count > 0 {
			tj.Bounds = []float64{st.BBox.Min[0], st.BBox.Min[1], st.BBox.Max[0], st.BBox.Max[1]}
		}
	} else {
		set, err := r.src.Set(ctx, layer)
		if place.ErrorCode(err) == place.ENOTFOUND {
			return tj, place.Errorf(place.ENOTFOUND, "no tile layer %q: use %q or a boundary set slug", layer, AssetsLayer)
		}
		if err != nil {
			return tj, err
		}
		tj.Name = set.Title
		tj.Description = set.Title + " (" + string(set.Kind) + ")"
		tj.Attribution = set.Attribution
		tj.Bounds = []float64{set.BBox.Min[0], set.BBox.Min[1], set.BBox.Max[0], set.BBox.Max[1]}
		tj.VectorLayers = []VectorLayer{{ID: layer, MaxZoom: DataMaxZoom, Description: set.Title,
			Fields: map[string]string{"code": "String", "name": "String", "set": "String"}}}
	}
	tj.Tiles[0] = r.TilesURL(ctx, layer, layer, baseURL)
	if len(tj.Bounds) == 4 {
		tj.Center = []float64{(tj.Bounds[0] + tj.Bounds[2]) / 2, (tj.Bounds[1] + tj.Bounds[3]) / 2, 11}
	}
	return tj, nil
}
