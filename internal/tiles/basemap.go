package tiles

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/basemap"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// BasemapLayer is the name the street basemap's tiles are served under;
// no boundary set may take it.
const BasemapLayer = place.BasemapSlug

// BasemapAttribution is what the basemap's data asks to be credited as.
const BasemapAttribution = "© OpenStreetMap contributors"

// BasemapSource is what basemap tiles read from a store.
type BasemapSource interface {
	// Basemap is ENOTFOUND when there is none.
	Basemap(ctx context.Context) (store.BasemapInfo, error)
	BasemapFeatures(ctx context.Context, q store.BasemapQuery) ([]store.BasemapFeature, error)
}

// RenderBasemap returns one MVT tile of the street basemap from src: a
// layer per basemap.Layers that has features in the tile, read from the
// zoom band that serves t's zoom. ENOTFOUND when there is no basemap.
func (r *Renderer) RenderBasemap(ctx context.Context, src BasemapSource, t maptile.Tile) (Tile, error) {
	ctx = store.WithTileReads(ctx) // on connections of their own where the store has them
	versions, err := r.versions.get(ctx)
	if err != nil {
		return Tile{}, err
	}
	version := versions.Of(store.BasemapTiles)
	if _, err := src.Basemap(ctx); err != nil {
		return Tile{}, err
	}
	key := Key{Version: version, Name: BasemapLayer, Layer: BasemapLayer, Kind: string(MVT), Tile: t}
	return r.cached(ctx, key, version, func() ([]byte, error) {
		z := int(t.Z)
		fs, err := src.BasemapFeatures(ctx, store.BasemapQuery{Band: basemap.BandOf(z), Zoom: z, BBox: t.Bound(float64(Buffer) / Extent)})
		if err != nil {
			return nil, err
		}
		data, err := encodeBasemap(fs, t)
		if err != nil {
			return nil, fmt.Errorf("tile %s: %w", key, err)
		}
		return data, nil
	})
}

// encodeBasemap groups features by layer, in basemap.Layers' order, and
// encodes the layers that keep a feature once clipped.
func encodeBasemap(fs []store.BasemapFeature, t maptile.Tile) ([]byte, error) {
	byLayer := map[string]*geojson.FeatureCollection{}
	for _, f := range fs {
		fc := byLayer[f.Layer]
		if fc == nil {
			fc = geojson.NewFeatureCollection()
			byLayer[f.Layer] = fc
		}
		gf := geojson.NewFeature(f.Geometry)
		gf.Properties["class"] = f.Class
		if f.Name != "" {
			gf.Properties["name"] = f.Name
		}
		if f.Ref != "" {
			gf.Properties["ref"] = f.Ref
		}
		fc.Append(gf)
	}
	var layers mvt.Layers
	for _, name := range basemap.Layers {
		if fc := byLayer[name]; fc != nil {
			if l := mvtLayer(name, fc, t, 1); len(l.Features) > 0 {
				layers = append(layers, l)
			}
		}
	}
	return mvt.Marshal(layers)
}

// DescribeBasemap is the TileJSON of the street basemap, its tiles served
// under baseURL (e.g. "http://host/tiles"). ENOTFOUND when there is none.
func (r *Renderer) DescribeBasemap(ctx context.Context, src BasemapSource, baseURL string) (TileJSON, error) {
	info, err := src.Basemap(ctx)
	if err != nil {
		return TileJSON{}, err
	}
	tj := TileJSON{
		TileJSON:    "3.0.0",
		Name:        BasemapLayer,
		Description: "Street basemap made from OpenStreetMap (" + info.Source + ")",
		Attribution: BasemapAttribution,
		Scheme:      "xyz",
		Tiles:       []string{strings.TrimRight(baseURL, "/") + "/" + BasemapLayer + "/{z}/{x}/{y}.mvt"},
		MinZoom:     0,
		MaxZoom:     basemap.MaxZoom,
		Bounds:      []float64{info.Bounds.Min[0], info.Bounds.Min[1], info.Bounds.Max[0], info.Bounds.Max[1]},
	}
	tj.Center = []float64{(info.Bounds.Min[0] + info.Bounds.Max[0]) / 2, (info.Bounds.Min[1] + info.Bounds.Max[1]) / 2, 12}
	fields := map[string]string{"class": "String", "name": "String"}
	for _, l := range basemap.Layers {
		f := fields
		if l == basemap.Roads {
			f = map[string]string{"class": "String", "name": "String", "ref": "String"}
		}
		tj.VectorLayers = append(tj.VectorLayers, VectorLayer{ID: l, MinZoom: 0, MaxZoom: basemap.MaxZoom, Fields: f,
			Description: "OpenStreetMap " + l})
	}
	if v, err := r.src.TileVersions(ctx); err == nil {
		tj.Tiles[0] += "?v=" + strconv.FormatInt(v.Of(store.BasemapTiles), 10)
	}
	return tj, nil
}
