// Package tiles renders boundary sets and assets as Mapbox Vector Tiles and
// GeoJSON tiles, describes them with TileJSON 3.0, and caches them.
package tiles

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	kgzip "github.com/klauspost/compress/gzip"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/project"
	"github.com/paulmach/orb/simplify"
	"golang.org/x/sync/singleflight"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// AssetsLayer is the name of the layer of assets; every other layer is a
// boundary set, named by its slug.
const AssetsLayer = "assets"

// Fixed by the server, never by a request.
const (
	Extent      = 4096 // tile coordinate units per tile side
	Buffer      = 64   // units drawn beyond each tile edge, so strokes join
	MaxZoom     = 22   // the deepest tile served
	DataMaxZoom = 16   // the deepest zoom advertised; clients overzoom beyond
	// MinSpanUnits is the smallest an area may be across, in units of the
	// tile's 4096-unit grid, to be drawn in a tile: 8 units are one pixel
	// of a 512-pixel tile, as MapLibre draws them.
	MinSpanUnits = 8.0
	// MaxFeatures is the most features one tile carries.
	MaxFeatures = store.MaxPage
	// At ClusterMaxZoom and below, an asset tile whose own ground holds
	// more than ClusterAbove assets carries cells instead: the tile is cut
	// into ClusterGrid × ClusterGrid cells, the tiles ClusterDepth zooms
	// deeper (128 units, 16 pixels of a 512-pixel tile), and each cell
	// with assets is one point at their mean location, with their count.
	// So a z8 tile over a million assets is as small as one over a
	// thousand, and as quick: the store keeps the counts per cell
	// (store.DB.AssetCells).
	ClusterMaxZoom = 12
	ClusterAbove   = 1000
	ClusterDepth   = 5
	ClusterGrid    = 1 << ClusterDepth
	// GzipAbove is the size past which a tile is also kept gzipped. A
	// smaller one goes as it is: it fits in a packet either way, and
	// gzipping it cost an uncached z16 tile 15% of its time.
	GzipAbove = 1024
	// A tile of gzipFastAbove bytes or more is gzipped with klauspost/
	// compress at its level 2: on a 533 KiB z8 tile it took half the time
	// of the standard library's fastest (3.7 ms, 7.1 ms) and made 7% less.
	// A smaller one takes the standard library's fastest, which made
	// 1-2 KiB tiles up to 8% smaller than klauspost's levels 1-2 did
	// (and some that those did not shrink at all).
	gzipFastAbove = 32 << 10
	gzipFastLevel = 2
)

// Format is a tile encoding.
type Format string

// Tile encodings.
const (
	MVT     Format = "mvt"
	GeoJSON Format = "geojson"
)

// ContentType returns the media type of a format.
func (f Format) ContentType() string {
	if f == GeoJSON {
		return "application/geo+json"
	}
	return "application/vnd.mapbox-vector-tile"
}

// Source is what tiles read from a store.
type Source interface {
	Set(ctx context.Context, slug string) (place.SetSummary, error)
	AreaShapes(ctx context.Context, set string, q store.ShapeQuery) ([]place.Area, error)
	// EachAreaShape is AreaShapes handing each area over as it is read
	// (store.DB.EachAreaShape).
	EachAreaShape(ctx context.Context, set string, q store.ShapeQuery, yield func(place.Area) error, restart func()) error
	Assets(ctx context.Context, q store.AssetQuery) (store.AssetPage, error)
	AssetCells(ctx context.Context, q store.CellQuery) ([]store.AssetCell, error)
	AssetStats(ctx context.Context) (store.AssetStats, error)
	// TileVersions are the versions of each layer's data, which tiles are
	// cached by.
	TileVersions(ctx context.Context) (store.TileVersions, error)
}

// Tile is a rendered tile.
type Tile struct {
	Data []byte
	Gzip []byte // Data gzipped, made once so cached tiles are not compressed per request
	ETag string // strong validator: a hash of Data
	// GzipETag is Gzip's own strong validator (RFC 9110 §8.8.3): ETag
	// with -gz inside the quotes; "" when there is no Gzip.
	GzipETag string
	Version  int64 // the version of its layer's data it was rendered from (layerVersion)
}

// Renderer renders tiles, caching them by the version of their layer's
// data: a write to one layer leaves the others' cached tiles good.
type Renderer struct {
	src   Source
	cache *Cache
	group singleflight.Group
	// gzips are idle gzip writers: each holds ~1 MB of tables, too dear
	// to make per tile. A channel of two per core, not a sync.Pool: a
	// pool is emptied by every other garbage collection, which uncached
	// tiles make often.
	gzips  [2]chan gzipWriter // [0] the standard library's, [1] klauspost's
	labels labelPoints
	// versions reads the layers' versions for requests, sharing a read
	// between requests that arrive together.
	versions versionGate
	assets   assetTotal
	// Gate, when set, admits a render (not a tile served from the cache):
	// the server bounds how much work runs at once. Set it before use.
	Gate func(ctx context.Context) (release func(), err error)
	// shapes, when kept (KeepShapes), are sets' shapes in memory, which
	// tiles of those sets are drawn from instead of reading the store.
	shapes *shapeKeeper
	// rendering counts the tiles being rendered (not served from the
	// cache): drawWorkers gives a tile the cores the others leave idle.
	rendering atomic.Int32
}

// assetTotal is how many assets the store held at a version of the assets'
// tile layer (any asset write moves it): while
// no more than ClusterAbove, no tile can need cells, and asset tiles skip
// counting them (on PostgreSQL, a round trip per tile).
type assetTotal struct {
	// reading is held by the one request reading the count: the others
	// that need it meanwhile count their tile's cells instead (on a
	// million assets the read took seconds, and 16 fresh requests each
	// read it; waiting for it instead, every asset tile under a stream of
	// writes queued behind one count read per write).
	reading sync.Mutex
	mu      sync.Mutex
	version int64
	count   int
	known   bool
}

// at returns the count kept for version, if one answers it.
func (a *assetTotal) at(version int64) (int, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.known && (a.version == version || a.count > 2*ClusterAbove) {
		return a.count, true
	}
	return 0, false
}

// fewAssets reports whether the store is known to hold at most
// ClusterAbove assets at the assets' version, reading the count once per
// version. Once it has held far more, it is not read again (each asset
// write is a new version, and AssetStats reads every asset): tiles then
// count cells, as they must whenever the store may hold more. While
// another request reads the count it answers false: a tile's cells then
// say whether it needs them, the same tile as the count would make.
func (r *Renderer) fewAssets(ctx context.Context, version int64) (bool, error) {
	a := &r.assets
	if n, ok := a.at(version); ok {
		return n <= ClusterAbove, nil
	}
	if !a.reading.TryLock() {
		return false, nil
	}
	defer a.reading.Unlock()
	if n, ok := a.at(version); ok { // read by the request before this one
		return n <= ClusterAbove, nil
	}
	st, err := r.src.AssetStats(ctx)
	if err != nil {
		return false, err
	}
	a.mu.Lock()
	if !a.known || version >= a.version {
		a.version, a.count, a.known = version, st.Count, true
	}
	a.mu.Unlock()
	return st.Count <= ClusterAbove, nil
}

// NewRenderer returns a renderer over src with a cache of cacheBytes (0 to
// cache nothing).
func NewRenderer(src Source, cacheBytes int64) *Renderer {
	r := &Renderer{src: src, cache: NewCache(cacheBytes)}
	for i := range r.gzips {
		r.gzips[i] = make(chan gzipWriter, 2*runtime.GOMAXPROCS(0))
	}
	r.versions.read = src.TileVersions
	return r
}

// Coord parses and checks a tile address. It returns EINVALID for a zoom
// outside 0..MaxZoom or x, y outside the zoom's range.
func Coord(zs, xs, ys string) (maptile.Tile, error) {
	z, err := strconv.ParseUint(zs, 10, 8)
	if err != nil || z > MaxZoom {
		return maptile.Tile{}, place.Errorf(place.EINVALID, "tile zoom %q: want an integer 0-%d", zs, MaxZoom)
	}
	n := uint64(1) << z
	x, err := strconv.ParseUint(xs, 10, 32)
	if err != nil || x >= n {
		return maptile.Tile{}, place.Errorf(place.EINVALID, "tile x %q: want an integer 0-%d at zoom %d", xs, n-1, z)
	}
	y, err := strconv.ParseUint(ys, 10, 32)
	if err != nil || y >= n {
		return maptile.Tile{}, place.Errorf(place.EINVALID, "tile y %q: want an integer 0-%d at zoom %d", ys, n-1, z)
	}
	return maptile.New(uint32(x), uint32(y), maptile.Zoom(z)), nil
}

// Render returns one tile of a layer. ENOTFOUND for an unknown layer.
func (r *Renderer) Render(ctx context.Context, layer string, t maptile.Tile, f Format) (Tile, error) {
	return r.RenderAs(ctx, layer, layer, t, f)
}

// RenderAs renders a tile of layer under another layer name: a series'
// current release served under the series' name, so a map styled on that
// name keeps working when a new release becomes current.
func (r *Renderer) RenderAs(ctx context.Context, name, layer string, t maptile.Tile, f Format) (Tile, error) {
	ctx = store.WithTileReads(ctx) // on connections of their own where the store has them
	versions, err := r.versions.get(ctx)
	if err != nil {
		return Tile{}, err
	}
	version := layerVersion(versions, name, layer)
	setVersion := versions.Of(store.SetTiles(layer))
	key := Key{Version: version, Name: name, Layer: layer, Kind: string(f), Tile: t}
	return r.cached(ctx, key, version, func() ([]byte, error) {
		draw, encode := mvtDraw(t), func(fs []*geojson.Feature, drawn []orb.Geometry) ([]byte, error) {
			return marshalMVT(mvtLayerOf(name, fs, drawn))
		}
		if f == GeoJSON {
			draw, encode = geojsonDraw(t), geojsonOf
		}
		var fs []*geojson.Feature
		var drawn []orb.Geometry
		if layer == AssetsLayer {
			fc, err := r.features(ctx, layer, t, version)
			if err != nil {
				return nil, err
			}
			fs, drawn = fc.Features, drawFeatures(fc.Features, r.drawWorkers(), draw)
		} else if x := r.shapes.at(layer, setVersion); x != nil {
			var hits []int
			fs, hits = x.features(layer, areaQuery(t))
			if f == MVT {
				drawn = r.drawKeptAreas(x, fs, hits, t)
			} else {
				drawn = drawFeatures(fs, r.drawWorkers(), draw)
			}
		} else {
			var err error
			if fs, drawn, err = r.drawAreas(ctx, layer, t, draw); err != nil {
				return nil, err
			}
			r.shapes.want(layer, setVersion)
		}
		data, err := encode(fs, drawn)
		if err != nil {
			return nil, fmt.Errorf("tile %s: %w", key, err)
		}
		return data, nil
	})
}

// drawKeptAreas draws kept areas for an MVT tile (hits[i] is fs[i]'s
// index in x.shapes), as mvtDraw does, from the areas drawn before at the
// tile's zoom where it can (setShapes.drawKept).
func (r *Renderer) drawKeptAreas(x *setShapes, fs []*geojson.Feature, hits []int, t maptile.Tile) []orb.Geometry {
	td := tileDraw{z: int(t.Z), pr: newTileProjection(t), box: orb.Bound{Min: orb.Point{-Buffer, -Buffer}, Max: orb.Point{Extent + Buffer, Extent + Buffer}}}
	return drawEach(fs, r.drawWorkers(), func(sc *polyScratch, i int) orb.Geometry {
		return x.drawKept(sc, hits[i], fs[i].Geometry, td, r.shapes.room)
	})
}

// drawAreas reads a set's areas for a tile and draws each with draw as
// they are read (drawStream): reading and drawing overlap. The features
// come in id order, with what draw made of each.
func (r *Renderer) drawAreas(ctx context.Context, layer string, t maptile.Tile, draw drawFunc) ([]*geojson.Feature, []orb.Geometry, error) {
	return drawStream(func(yield func(uint64, *geojson.Feature), restart func()) error {
		return r.src.EachAreaShape(ctx, layer, areaQuery(t), func(a place.Area) error {
			yield(uint64(a.ID), areaFeature(a))
			return nil
		}, restart)
	}, r.drawWorkers(), draw)
}

// areaQuery is what a tile reads of a set. Areas under a screen pixel
// across cannot be seen; leaving them out in the query bounds low-zoom
// tiles of fine sets (a z8 tile over many towns' output areas) and saves
// reading them. Past MaxFeatures the largest are kept. The store may
// answer with geometry generalised for the tile's zoom: it draws the same.
func areaQuery(t maptile.Tile) store.ShapeQuery {
	return store.ShapeQuery{BBox: t.Bound(float64(Buffer) / Extent), Limit: MaxFeatures, MinSpan: MinSpanUnits * tileUnit(t),
		Generalised: true, Zoom: int(t.Z)}
}

// areaFeature is an area's tile feature, before it is drawn.
func areaFeature(a place.Area) *geojson.Feature {
	f := geojson.NewFeature(a.Geometry)
	f.ID = uint64(a.ID)
	f.Properties = geojson.Properties{"code": a.Code, "name": a.Name, "set": a.Set}
	return f
}

// layerVersion is the version of the tiles of layer served under name:
// the assets', or a set's, and for a series' current release served under
// the series' name (name), which release that is too. Every version is
// newer than all before it, of any layer, so a tile's version changes with
// its data and never comes back: ?v= of an old version cannot match.
func layerVersion(v store.TileVersions, name, layer string) int64 {
	switch {
	case layer == AssetsLayer:
		return v.Of(store.AssetsTiles)
	case name != layer:
		return v.Of(store.SetTiles(layer), store.SeriesTiles(name))
	}
	return v.Of(store.SetTiles(layer))
}

// cached returns the tile cached under key, or renders it once (however
// many requests ask at the same time), gzips it and caches it.
func (r *Renderer) cached(ctx context.Context, key Key, version int64, render func() ([]byte, error)) (Tile, error) {
	if tile, ok := r.cache.Get(key); ok {
		return tile, nil
	}
	v, err, _ := r.group.Do(key.String(), func() (any, error) {
		if r.Gate != nil {
			release, err := r.Gate(ctx)
			if err != nil {
				return Tile{}, err
			}
			defer release()
		}
		data, err := r.render(render)
		if err != nil {
			return Tile{}, err
		}
		sum := sha256.Sum256(data)
		tile := Tile{Data: data, ETag: `"` + hex.EncodeToString(sum[:12]) + `"`, Version: version}
		if len(data) > GzipAbove {
			gz, err := r.gzipped(data)
			if err != nil {
				return Tile{}, fmt.Errorf("tile %s: %w", key, err)
			}
			if len(gz) < len(data) {
				tile.Gzip, tile.GzipETag = gz, strings.TrimSuffix(tile.ETag, `"`)+`-gz"`
			}
		}
		r.cache.Put(key, tile)
		return tile, nil
	})
	if err != nil {
		return Tile{}, err
	}
	return v.(Tile), nil
}

// features reads the layer's features that meet the tile and its buffer,
// from the data at version.
func (r *Renderer) features(ctx context.Context, layer string, t maptile.Tile, version int64) (*geojson.FeatureCollection, error) {
	bound := t.Bound(float64(Buffer) / Extent)
	fc := geojson.NewFeatureCollection()
	if layer == AssetsLayer {
		if x := r.shapes.at(keptAssetsKey, version); x != nil {
			if fc, ok, err := r.keptAssetFeatures(ctx, x.assets, t, bound); err != nil || ok {
				return fc, err
			}
		} else if r.shapes != nil {
			defer r.shapes.want(keptAssetsKey, version) // once the store has answered
		}
		few := false
		if t.Z <= ClusterMaxZoom {
			var err error
			if few, err = r.fewAssets(ctx, version); err != nil {
				return nil, err
			}
		}
		if t.Z <= ClusterMaxZoom && !few {
			if cells, err := r.crowdedCells(ctx, t); err != nil || cells != nil {
				return cells, err
			}
		}
		page, err := r.src.Assets(ctx, store.AssetQuery{BBox: &bound, Limit: MaxFeatures, NoCount: true})
		if err != nil {
			return nil, err
		}
		sort.Slice(page.Assets, func(i, j int) bool { return page.Assets[i].FID < page.Assets[j].FID })
		for _, a := range page.Assets {
			fc.Append(assetFeature(a))
		}
		return fc, nil
	}
	areas, err := r.src.AreaShapes(ctx, layer, areaQuery(t))
	if err != nil {
		return nil, err
	}
	// Features in id order: the same data gives the same bytes (and ETag)
	// from every store and every instance.
	sort.Slice(areas, func(i, j int) bool { return areas[i].ID < areas[j].ID })
	for _, a := range areas {
		fc.Append(areaFeature(a))
	}
	return fc, nil
}

// assetFeature is an asset's tile feature, before it is drawn.
func assetFeature(a place.Asset) *geojson.Feature {
	f := geojson.NewFeature(a.Geometry)
	f.ID = uint64(a.FID)
	f.Properties = geojson.Properties{"id": a.ID, "name": a.Name, "category": a.Category, "status": string(a.Status)}
	return f
}

// keptAssetFeatures draws an asset tile from the kept assets: the store's
// cells where they say the tile needs them, else the assets in its box;
// ok is false when the box holds more than a tile carries (the tile reads
// the store, which answers with the first by name).
func (r *Renderer) keptAssetFeatures(ctx context.Context, k *keptAssets, t maptile.Tile, bound orb.Bound) (*geojson.FeatureCollection, bool, error) {
	if t.Z <= ClusterMaxZoom && len(k.rows) > ClusterAbove && k.count(cellGround(t), ClusterAbove) > ClusterAbove {
		if cells, err := r.crowdedCells(ctx, t); err != nil || cells != nil {
			return cells, err == nil, err
		}
	}
	fc, ok := k.features(bound, MaxFeatures)
	return fc, ok, nil
}

// crowdedCells are the tile's cells (cellFeatures) when its own ground
// holds more than ClusterAbove assets, else nil. Cells cover the tile
// itself, not its buffer: each asset is counted in one tile only.
func (r *Renderer) crowdedCells(ctx context.Context, t maptile.Tile) (*geojson.FeatureCollection, error) {
	cells, err := r.src.AssetCells(ctx, store.CellQuery{Tile: t, Depth: ClusterDepth})
	if err != nil {
		return nil, err
	}
	n := 0
	for _, c := range cells {
		n += c.Count
	}
	if n > ClusterAbove {
		return cellFeatures(cells), nil
	}
	return nil, nil
}

// cellGround is a box holding every asset the store counts in the tile's
// cells (store.CellQuery), and a little more: its own ground, a millionth
// of it wider each side (the store places an asset on the tile's edge by
// its own arithmetic), and on the edges of the world all beyond them
// (latitudes beyond Web Mercator's are held to its edges).
func cellGround(t maptile.Tile) orb.Bound {
	b := t.Bound()
	dx, dy := (b.Max[0]-b.Min[0])*1e-6, (b.Max[1]-b.Min[1])*1e-6
	b.Min[0], b.Min[1], b.Max[0], b.Max[1] = b.Min[0]-dx, b.Min[1]-dy, b.Max[0]+dx, b.Max[1]+dy
	last := uint32(1)<<t.Z - 1
	if t.X == 0 {
		b.Min[0] = math.Inf(-1)
	}
	if t.X == last {
		b.Max[0] = math.Inf(1)
	}
	if t.Y == 0 {
		b.Max[1] = math.Inf(1)
	}
	if t.Y == last {
		b.Min[1] = math.Inf(-1)
	}
	return b
}

// cellFeatures makes one point per cell at the mean location of its assets,
// with properties count (all its assets), category (the most common; ties
// go to the first by name), and n_<category> for each category present.
// Cells come in row then column order, and a cell's categories are summed
// in name order whatever order the store answered in (a sum of floats
// depends on it), so the same counts give the same bytes.
func cellFeatures(cells []store.AssetCell) *geojson.FeatureCollection {
	cells = slices.Clone(cells)
	slices.SortFunc(cells, func(a, b store.AssetCell) int {
		return cmp.Or(cmp.Compare(a.Row, b.Row), cmp.Compare(a.Col, b.Col), strings.Compare(a.Category, b.Category))
	})
	type cell struct {
		col, row   int
		count      int
		lon, lat   float64
		categories map[string]int
	}
	byCell := map[[2]int]*cell{}
	for _, c := range cells {
		k := [2]int{c.Col, c.Row}
		m := byCell[k]
		if m == nil {
			m = &cell{col: c.Col, row: c.Row, categories: map[string]int{}}
			byCell[k] = m
		}
		m.count += c.Count
		m.lon += c.SumLon
		m.lat += c.SumLat
		m.categories[c.Category] += c.Count
	}
	merged := make([]*cell, 0, len(byCell))
	for _, m := range byCell {
		merged = append(merged, m)
	}
	sort.Slice(merged, func(i, j int) bool {
		if merged[i].row != merged[j].row {
			return merged[i].row < merged[j].row
		}
		return merged[i].col < merged[j].col
	})
	fc := geojson.NewFeatureCollection()
	for _, m := range merged {
		f := geojson.NewFeature(orb.Point{m.lon / float64(m.count), m.lat / float64(m.count)})
		f.Properties = geojson.Properties{"count": m.count}
		top, topN := "", 0
		for cat, n := range m.categories {
			f.Properties["n_"+cat] = n
			if n > topN || n == topN && cat < top {
				top, topN = cat, n
			}
		}
		f.Properties["category"] = top
		fc.Append(f)
	}
	return fc
}

// encodeMVT projects each feature to the tile's grid and clips it to the
// buffered tile. Lines are simplified to a unit of the grid (so detail
// follows zoom); polygons are simplified and rebuilt valid on the grid
// (validPolygons), exterior rings of positive area as MVT 4.3.4.4 wants,
// clockwise with y down. What shrinks to nothing is left out. Features
// are drawn on up to workers goroutines (drawFeatures).
func encodeMVT(name string, fc *geojson.FeatureCollection, t maptile.Tile, workers int) ([]byte, error) {
	return marshalMVT(mvtLayer(name, fc, t, workers))
}

// marshalMVT encodes a tile of one layer.
func marshalMVT(l *mvt.Layer) ([]byte, error) {
	if data, ok := marshalPolygons(l); ok {
		return data, nil
	}
	return mvt.Marshal(mvt.Layers{l})
}

// mvtLayer is encodeMVT's one layer, for tiles of several.
func mvtLayer(name string, fc *geojson.FeatureCollection, t maptile.Tile, workers int) *mvt.Layer {
	return mvtLayerOf(name, fc.Features, drawFeatures(fc.Features, workers, mvtDraw(t)))
}

// drawFunc draws a feature's geometry for a tile, with a goroutine's
// scratch; nil when nothing is left.
type drawFunc func(sc *polyScratch, g orb.Geometry) orb.Geometry

// mvtDraw is how encodeMVT draws a feature.
func mvtDraw(t maptile.Tile) drawFunc {
	pr := newTileProjection(t)
	box := orb.Bound{Min: orb.Point{-Buffer, -Buffer}, Max: orb.Point{Extent + Buffer, Extent + Buffer}}
	return func(sc *polyScratch, g orb.Geometry) orb.Geometry {
		switch g.(type) {
		case orb.Polygon, orb.MultiPolygon:
			return sc.areaOnTile(g, pr, box)
		}
		g = clip.Geometry(box, project.Geometry(orb.Clone(g), pr.cell))
		if g != nil && g.Dimensions() == 1 {
			if g = simplify.DouglasPeucker(1).Simplify(g); g != nil && planar.Length(g) < 1 {
				g = nil
			}
		}
		return g
	}
}

// mvtLayerOf is the layer of the features drawn (drawn[i] is fs[i]'s
// geometry, nil to leave it out). The features take their drawn geometry.
func mvtLayerOf(name string, fs []*geojson.Feature, drawn []orb.Geometry) *mvt.Layer {
	layer := &mvt.Layer{Name: name, Version: 2, Extent: Extent}
	for i, f := range fs {
		if drawn[i] == nil {
			continue
		}
		f.Geometry = drawn[i]
		layer.Features = append(layer.Features, f)
	}
	return layer
}

// tileProjection maps longitude/latitude to a tile's 4096-unit grid, y
// down, as Web Mercator.
type tileProjection struct {
	scale, x0, y0 float64
}

func newTileProjection(t maptile.Tile) tileProjection {
	n := float64(uint64(1)<<t.Z) * Extent
	return tileProjection{scale: n, x0: float64(t.X) * Extent, y0: float64(t.Y) * Extent}
}

// project is a point's exact place on the grid.
func (p tileProjection) project(q orb.Point) orb.Point {
	w := p.world(q)
	return orb.Point{w[0] - p.x0, w[1] - p.y0}
}

// world is a point's exact place on the grid of the whole world at the
// tile's zoom.
func (p tileProjection) world(q orb.Point) orb.Point {
	x := (q[0]/360 + 0.5) * p.scale
	siny := math.Sin(q[1] * math.Pi / 180)
	var y float64
	switch {
	case siny > 0.9999:
		y = 0
	case siny < -0.9999:
		y = p.scale - 1
	default:
		y = (0.5 + 0.5*math.Log((1+siny)/(1-siny))/(-2*math.Pi)) * p.scale
	}
	return orb.Point{x, y}
}

// cell is the grid cell a point lies in, as orb's mvt.ProjectToTile gives
// it (decoders take a point's cell for the point).
func (p tileProjection) cell(q orb.Point) orb.Point {
	g := p.project(q)
	return orb.Point{math.Floor(g[0]), math.Floor(g[1])}
}

// geojsonDraw draws a feature of a GeoJSON tile: clipped to the buffered
// tile in longitude/latitude; polygons simplified and rebuilt valid on a
// grid of the tile's 4096 units (linear in longitude and latitude, so
// straight edges stay straight) and wound as RFC 7946 says; lines
// simplified to about one unit.
func geojsonDraw(t maptile.Tile) drawFunc {
	bound := t.Bound(float64(Buffer) / Extent)
	span := float64(Extent + 2*Buffer)
	sx := (bound.Max[0] - bound.Min[0]) / span
	sy := (bound.Max[1] - bound.Min[1]) / span
	toGrid := func(p orb.Point) orb.Point { return orb.Point{(p[0] - bound.Min[0]) / sx, (p[1] - bound.Min[1]) / sy} }
	fromGrid := func(p orb.Point) orb.Point { return orb.Point{bound.Min[0] + p[0]*sx, bound.Min[1] + p[1]*sy} }
	box := orb.Bound{Max: orb.Point{span, span}}
	return func(sc *polyScratch, g orb.Geometry) orb.Geometry {
		switch g.(type) {
		case orb.Polygon, orb.MultiPolygon:
			return sc.polygons(g, toGrid, box, fromGrid)
		}
		g = clip.Geometry(bound, g)
		if g != nil && g.Dimensions() == 1 {
			if g = simplify.DouglasPeucker(sx).Simplify(g); g == nil || isTiny(g, sx) {
				g = nil
			}
		}
		return g
	}
}

// geojsonOf encodes the features drawn as a GeoJSON tile (drawn[i] is
// fs[i]'s geometry, nil to leave it out).
func geojsonOf(fs []*geojson.Feature, drawn []orb.Geometry) ([]byte, error) {
	out := geojson.NewFeatureCollection()
	for i, f := range fs {
		if drawn[i] == nil {
			continue
		}
		f.Geometry = drawn[i]
		out.Append(f)
	}
	return json.Marshal(out)
}

// validPolygons projects a Polygon or MultiPolygon to a grid (toGrid),
// clips it to box, simplifies it to one unit, rounds it to the grid and
// rebuilds it valid there (gridPolygons); then maps it back with fromGrid
// (nil: leave it on the grid). Shells come out of positive area and holes
// negative. It returns a Polygon, a MultiPolygon, or nil when nothing with
// an area is left. g is not modified.
func validPolygons(g orb.Geometry, toGrid orb.Projection, box orb.Bound, fromGrid orb.Projection) orb.Geometry {
	var sc polyScratch
	return sc.polygons(g, toGrid, box, fromGrid)
}

// polyScratch holds validPolygons' buffers from one feature to the next:
// a tile's features reuse them rather than each making its own.
type polyScratch struct {
	ring  orb.Ring    // the ring being projected, clipped and simplified
	pts   []gridPoint // the feature's rounded rings, end to end
	rings [][]gridPoint
	grid  gridScratch
	slab  []orb.Point // where the rings returned are cut from
}

// polygons is validPolygons using sc's buffers. What it returns is the
// caller's: later calls do not change it.
func (sc *polyScratch) polygons(g orb.Geometry, toGrid orb.Projection, box orb.Bound, fromGrid orb.Projection) orb.Geometry {
	var in orb.MultiPolygon
	switch g := g.(type) {
	case orb.Polygon:
		in = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		in = g
	}
	sc.pts, sc.rings = sc.pts[:0], sc.rings[:0]
	for _, p := range in {
		for i, r := range p {
			if len(r) == 0 {
				continue
			}
			if !sc.gridRing(r, i == 0, toGrid, box) && i == 0 {
				break // nothing left of the shell: nor of its holes
			}
		}
	}
	polys := sc.grid.polygons(sc.rings)
	if len(polys) == 0 {
		return nil
	}
	mp := make(orb.MultiPolygon, len(polys))
	for i, p := range polys {
		mp[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			or := sc.cut(len(r) + 1)
			for k, q := range r {
				or[k] = orb.Point{float64(q.x), float64(q.y)}
				if fromGrid != nil {
					or[k] = fromGrid(or[k])
				}
			}
			or[len(r)] = or[0]
			mp[i][j] = or
		}
	}
	if len(mp) == 1 {
		return mp[0]
	}
	return mp
}

// gridRing projects one ring (a shell or a hole), clips it to box,
// simplifies it and rounds it onto the grid, adding it to sc.rings wound
// as gridPolygons wants; false when nothing with an area is left.
func (sc *polyScratch) gridRing(r orb.Ring, shell bool, toGrid orb.Projection, box orb.Bound) bool {
	gr := sc.ring[:0]
	first := toGrid(r[0])
	b := orb.Bound{Min: first, Max: first}
	for _, q := range r {
		p := toGrid(q)
		gr = append(gr, p)
		b = b.Extend(p)
	}
	sc.ring = gr
	switch {
	case !b.Intersects(box):
		return false
	case !box.Contains(b.Min) || !box.Contains(b.Max):
		gr = clip.Ring(box, gr)
	}
	if len(gr) < 3 {
		return false
	}
	gr = simplify.DouglasPeucker(1).Ring(gr) // in place
	a := ringArea(gr)
	if len(gr) < 3 || a == 0 {
		return false
	}
	start := len(sc.pts)
	for _, q := range gr {
		sc.pts = append(sc.pts, gridPoint{int64(math.Round(q[0])), int64(math.Round(q[1]))})
	}
	// Rings added earlier keep the array they were cut from if pts grows.
	ir := sc.pts[start:len(sc.pts):len(sc.pts)]
	if (a > 0) != shell {
		slices.Reverse(ir)
	}
	sc.rings = append(sc.rings, ir)
	return true
}

// cut returns n points cut from sc's slab, a new slab when it runs out:
// fewer allocations than a ring each. Slabs start small and double, so a
// tile of a few small rings does not pay for a big one.
func (sc *polyScratch) cut(n int) orb.Ring {
	if cap(sc.slab)-len(sc.slab) < n {
		sc.slab = make([]orb.Point, 0, max(n, 64, min(2*cap(sc.slab), 4096)))
	}
	l := len(sc.slab)
	sc.slab = sc.slab[:l+n]
	return orb.Ring(sc.slab[l : l+n : l+n])
}

// render runs a tile's render, counted in r.rendering while it runs.
func (r *Renderer) render(render func() ([]byte, error)) ([]byte, error) {
	r.rendering.Add(1)
	defer r.rendering.Add(-1)
	return render()
}

// gzipWriter is a gzip writer of either package.
type gzipWriter interface {
	Write(p []byte) (int, error)
	Close() error
	Reset(w io.Writer)
}

func (r *Renderer) gzipped(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	var zw gzipWriter
	fast := 0
	if len(b) >= gzipFastAbove {
		fast = 1
	}
	select {
	case zw = <-r.gzips[fast]:
		zw.Reset(&buf)
	default:
		var err error
		if fast == 1 {
			zw, err = kgzip.NewWriterLevel(&buf, gzipFastLevel)
		} else {
			zw, err = gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		}
		if err != nil {
			return nil, err
		}
	}
	defer func() {
		select {
		case r.gzips[fast] <- zw:
		default: // enough idle: let this one go
		}
	}()
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ringArea is the shoelace area of a ring, positive when it runs
// anticlockwise with y up.
func ringArea(r orb.Ring) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	if n := len(r); n > 0 && r[0] != r[n-1] {
		s += r[n-1][0]*r[0][1] - r[0][0]*r[n-1][1]
	}
	return s / 2
}

func isTiny(g orb.Geometry, tolerance float64) bool {
	b := g.Bound()
	return math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]) < tolerance
}

// CacheStats reports the tile cache's hits, misses and bytes held.
func (r *Renderer) CacheStats() (hits, misses uint64, bytes int64) { return r.cache.Stats() }

// tileUnit is one unit of the tile's 4096-unit grid, in degrees of
// longitude.
func tileUnit(t maptile.Tile) float64 {
	b := t.Bound()
	return (b.Max[0] - b.Min[0]) / Extent
}
