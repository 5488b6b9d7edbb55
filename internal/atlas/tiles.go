package atlas

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/placemap/placemap/internal/pmtiles"
	"github.com/placemap/placemap/internal/tiles"
)

// LabelsLayer is the name, in the atlas's tiles, of a set's label points
// (the live server's /tiles/{set}/labels tiles, whose one layer is called
// tiles.LabelsLayer for every set): "labels:" and the set's slug.
func LabelsLayer(set string) string { return tiles.LabelsLayer + ":" + set }

// buildTiles renders every layer at every zoom over the tiles its data
// meets and puts them in an archive: each tile of the archive is the live
// server's tiles of the layers there, one after another. A vector tile is
// a list of layers, so the bytes of single-layer tiles put end to end are
// one tile of all of them. Tiles with no features are left out.
func buildTiles(ctx context.Context, r *tiles.Renderer, layers []layer, opt Options) (*pmtiles.Writer, error) {
	pm := pmtiles.NewWriter()
	var all orb.Bound
	for i, l := range layers {
		if i == 0 || all.IsZero() {
			all = l.bound
		} else if !l.bound.IsZero() {
			all = all.Union(l.bound)
		}
	}
	for z := opt.MinZoom; z <= opt.MaxZoom; z++ {
		lo, hi := tileRange(all, maptile.Zoom(z))
		for x := lo[0]; x <= hi[0]; x++ {
			for y := lo[1]; y <= hi[1]; y++ {
				t := maptile.New(x, y, maptile.Zoom(z))
				data, err := renderAll(ctx, r, layers, t)
				if err != nil {
					return nil, err
				}
				if len(data) > 0 {
					if err := pm.Add(uint8(z), x, y, data); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	if pm.Len() == 0 {
		return nil, fmt.Errorf("atlas: no tiles: the store holds no assets or areas at zooms %d-%d", opt.MinZoom, opt.MaxZoom)
	}
	describe(pm, layers, all, opt)
	return pm, nil
}

// renderAll is the tile t of every layer whose data it may meet, end to
// end; nil when none has a feature there.
func renderAll(ctx context.Context, r *tiles.Renderer, layers []layer, t maptile.Tile) ([]byte, error) {
	var out []byte
	for _, l := range layers {
		if lo, hi := tileRange(l.bound, t.Z); l.bound.IsZero() || t.X < lo[0] || t.X > hi[0] || t.Y < lo[1] || t.Y > hi[1] {
			continue
		}
		tile, err := r.Render(ctx, l.name, t, tiles.MVT)
		if err != nil {
			return nil, fmt.Errorf("atlas tile %s/%d/%d/%d: %w", l.name, t.Z, t.X, t.Y, err)
		}
		if hasFeatures(tile.Data) {
			out = append(out, tile.Data...)
		}
		if l.set == nil {
			continue
		}
		labels, err := r.RenderLabels(ctx, l.name, l.name, t)
		if err != nil {
			return nil, fmt.Errorf("atlas labels %s/%d/%d/%d: %w", l.name, t.Z, t.X, t.Y, err)
		}
		if hasFeatures(labels.Data) {
			out = append(out, renameLayers(labels.Data, LabelsLayer(l.name))...)
		}
	}
	return out, nil
}

// tileRange is the first and last x, y of the tiles at zoom z whose
// buffered area (the live renderer reads features Buffer units beyond each
// edge) meets b.
func tileRange(b orb.Bound, z maptile.Zoom) (lo, hi [2]uint32) {
	buf := float64(tiles.Buffer) / tiles.Extent
	n := float64(uint64(1) << z)
	a := maptile.Fraction(orb.Point{b.Min[0], b.Max[1]}, z) // north-west
	c := maptile.Fraction(orb.Point{b.Max[0], b.Min[1]}, z) // south-east
	clamp := func(v float64) uint32 { return uint32(math.Max(0, math.Min(n-1, math.Floor(v)))) }
	return [2]uint32{clamp(a[0] - buf), clamp(a[1] - buf)}, [2]uint32{clamp(c[0] + buf), clamp(c[1] + buf)}
}

// hasFeatures reports whether a vector tile has a layer with a feature.
func hasFeatures(tile []byte) bool {
	found := false
	eachField(tile, func(num protowire.Number, v []byte) {
		if num == 3 { // Tile.layers
			eachField(v, func(num protowire.Number, _ []byte) {
				found = found || num == 2 // Layer.features
			})
		}
	})
	return found
}

// renameLayers gives every layer of a vector tile the name name, the rest
// of each layer's bytes as they were.
func renameLayers(tile []byte, name string) []byte {
	var out []byte
	eachField(tile, func(num protowire.Number, v []byte) {
		if num != 3 {
			return
		}
		var l []byte
		l = protowire.AppendTag(l, 1, protowire.BytesType) // Layer.name
		l = protowire.AppendString(l, name)
		eachRaw(v, func(num protowire.Number, raw []byte) {
			if num != 1 {
				l = append(l, raw...)
			}
		})
		out = protowire.AppendTag(out, 3, protowire.BytesType)
		out = protowire.AppendBytes(out, l)
	})
	return out
}

// eachField calls fn with each length-delimited field of a protobuf
// message (the only kind vector tiles nest).
func eachField(b []byte, fn func(protowire.Number, []byte)) {
	eachRaw(b, func(num protowire.Number, raw []byte) {
		_, typ, n := protowire.ConsumeTag(raw)
		if typ == protowire.BytesType {
			v, _ := protowire.ConsumeBytes(raw[n:])
			fn(num, v)
		}
	})
}

// eachRaw calls fn with each field of a message: its number and its bytes,
// tag included. It stops at the first malformed field.
func eachRaw(b []byte, fn func(protowire.Number, []byte)) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return
		}
		m := protowire.ConsumeFieldValue(num, typ, b[n:])
		if m < 0 {
			return
		}
		fn(num, b[:n+m])
		b = b[n+m:]
	}
}

// describe sets the archive's bounds, centre and metadata.
func describe(pm *pmtiles.Writer, layers []layer, all orb.Bound, opt Options) {
	pm.Bounds = all
	pm.Center = all.Center()
	pm.CenterZoom = uint8(min(max(10, opt.MinZoom), opt.MaxZoom))
	var credits []string
	for _, l := range layers {
		vl := pmtiles.VectorLayer{ID: l.name, MinZoom: int(opt.MinZoom), MaxZoom: int(opt.MaxZoom)}
		if l.set == nil {
			vl.Description = "Civic assets: points, or polygons for sites"
			vl.Fields = map[string]string{"id": "String", "name": "String", "category": "String", "status": "String",
				"count": "Number: a cell of assets, where a tile at z12 or below holds over 1,000"}
			pm.Metadata.VectorLayers = append(pm.Metadata.VectorLayers, vl)
		} else {
			vl.Description, vl.Fields = l.set.Title, map[string]string{"code": "String", "name": "String", "set": "String"}
			labels := pmtiles.VectorLayer{ID: LabelsLayer(l.name), MinZoom: vl.MinZoom, MaxZoom: vl.MaxZoom,
				Description: "Where the names of " + l.set.Title + " go", Fields: map[string]string{"name": "String"}}
			pm.Metadata.VectorLayers = append(pm.Metadata.VectorLayers, vl, labels)
		}
		if l.credit != "" && !slices.Contains(credits, l.credit) {
			credits = append(credits, l.credit)
		}
	}
	pm.Metadata.Name = "placemap atlas"
	pm.Metadata.Attribution = strings.Join(credits, "; ")
}
