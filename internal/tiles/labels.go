package tiles

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// LabelsLayer is the name of the point layer in a set's label tiles
// (/tiles/{set}/labels/{z}/{x}/{y}.mvt): one point per area, where its name
// goes.
const LabelsLayer = "labels"

// LabelMinPixels is how wide or tall an area must be on screen, in pixels of
// a 512-pixel tile, for its name to be shown: smaller areas get no label at
// that zoom.
const LabelMinPixels = 64

// labelPoints remembers each area's label point for one version of its
// set, so a point is computed once however many tiles and zooms show the
// area.
type labelPoints struct {
	mu   sync.Mutex
	sets map[string]*setLabels // by set
}

// setLabels are the label points of one version of a set, by area id.
type setLabels struct {
	version int64
	points  map[int64]orb.Point
}

// point returns the cached label point of an area of a set at a version,
// computing it with compute on first use. A new version of the set
// empties the set's points.
func (l *labelPoints) point(set string, version, id int64, compute func() orb.Point) orb.Point {
	l.mu.Lock()
	if l.sets == nil {
		l.sets = map[string]*setLabels{}
	}
	s := l.sets[set]
	if s == nil || s.version != version {
		s = &setLabels{version: version, points: map[int64]orb.Point{}}
		l.sets[set] = s
	}
	p, ok := s.points[id]
	l.mu.Unlock()
	if ok {
		return p
	}
	p = compute()
	l.mu.Lock()
	if l.sets[set] == s {
		s.points[id] = p
	}
	l.mu.Unlock()
	return p
}

// LabelPoint is where an area's name goes: its area-weighted centroid when
// that lies inside it (the visual centre of most shapes), else a point on
// its surface (inside a crescent or a ring-shaped area too). For a
// MultiPolygon, the largest part is labelled.
func LabelPoint(g orb.Geometry) orb.Point {
	var poly orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		poly = g
	case orb.MultiPolygon:
		best := -1.0
		for _, p := range g {
			if a := math.Abs(planar.Area(p)); a > best {
				poly, best = p, a
			}
		}
	default:
		return geo.PointOnSurface(g)
	}
	if len(poly) == 0 {
		return orb.Point{}
	}
	if c, _ := planar.CentroidArea(poly); planar.PolygonContains(poly, c) {
		return c
	}
	return geo.PointOnSurface(poly)
}

// RenderLabels returns a set's label tile: a Mapbox Vector Tile with one
// layer, LabelsLayer, holding a point for each area whose label point lies
// in this tile (so each area is labelled once, not once per tile it
// crosses) and that spans at least LabelMinPixels at the tile's zoom, with
// properties code, name and set. name is the set's name in the URL (a
// series), set the one read. ENOTFOUND for an unknown set.
func (r *Renderer) RenderLabels(ctx context.Context, name, set string, t maptile.Tile) (Tile, error) {
	ctx = store.WithTileReads(ctx) // on connections of their own where the store has them
	if set == AssetsLayer {
		return Tile{}, place.Errorf(place.ENOTFOUND, "tile layer %q has no labels: labels are for boundary sets", set)
	}
	versions, err := r.versions.get(ctx)
	if err != nil {
		return Tile{}, err
	}
	version := layerVersion(versions, name, set)
	setVersion := versions.Of(store.SetTiles(set)) // what label points are made from
	key := Key{Version: version, Name: name, Layer: set, Kind: labelsKind, Tile: t}
	return r.cached(ctx, key, version, func() ([]byte, error) {
		fc, err := r.labelFeatures(ctx, setVersion, set, t)
		if err != nil {
			return nil, err
		}
		data, err := encodeMVT(LabelsLayer, fc, t, 1)
		if err != nil {
			return nil, fmt.Errorf("tile %s: %w", key, err)
		}
		return data, nil
	})
}

// labelFeatures reads the areas big enough to label that meet the tile and
// keeps those whose label point lies inside it.
func (r *Renderer) labelFeatures(ctx context.Context, version int64, set string, t maptile.Tile) (*geojson.FeatureCollection, error) {
	q := store.ShapeQuery{BBox: t.Bound(), Limit: MaxFeatures, MinSpan: LabelMinPixels * 8 * tileUnit(t)}
	var areas []place.Area
	if x := r.shapes.at(set, version); x != nil {
		areas = x.areas(set, q)
	} else {
		var err error
		if areas, err = r.src.AreaShapes(ctx, set, q); err != nil {
			return nil, err
		}
		r.shapes.want(set, version)
	}
	sort.Slice(areas, func(i, j int) bool { return areas[i].ID < areas[j].ID })
	pr := newTileProjection(t)
	fc := geojson.NewFeatureCollection()
	for _, a := range areas {
		g := a.Geometry
		p := r.labels.point(set, version, a.ID, func() orb.Point { return LabelPoint(g) })
		if c := pr.cell(p); c[0] < 0 || c[1] < 0 || c[0] >= Extent || c[1] >= Extent {
			continue
		}
		f := geojson.NewFeature(p)
		f.ID = uint64(a.ID)
		f.Properties = geojson.Properties{"code": a.Code, "name": a.Name, "set": a.Set}
		fc.Append(f)
	}
	return fc, nil
}
