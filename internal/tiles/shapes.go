package tiles

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/peterstace/simplefeatures/rtree"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// Sets' shapes kept in memory (issue 21). A tile of boundaries not in the
// tile cache spent about two fifths of its time having the store find and
// read its areas (SQLite's B-tree and overflow pages, or a round trip to
// PostgreSQL and the server's own work there); the rest drawing them.
// Boundary sets change seldom, so a renderer may keep each set's shapes
// (every area's full geometry and its zoom bands, with an R-tree of their
// boxes) in memory at the set's tile version, and draw a tile from them
// when the version a request asks for is the one kept: exactly the areas
// and geometry the store would answer, so the same bytes. A request for
// any other version (the set was written since) reads the store, as every
// request did before, and the set's shapes are read again in the
// background. The memory they take is bounded; the sets drawn least
// recently give way first, and a set larger than the bound is not kept.
// The assets are kept the same way (keptassets.go): an asset tile is then
// the kept assets in its box, or, at low zooms over more than ClusterAbove
// of them, the store's cells.

// SetShapeSource is what a renderer reads sets' shapes, and the assets,
// from (store.DB).
type SetShapeSource interface {
	EachSetShape(ctx context.Context, set string, yield func(store.SetShape) error) error
	EachAssetShape(ctx context.Context, yield func(store.AssetShape) error) error
	TileVersions(ctx context.Context) (store.TileVersions, error)
}

// shapeBuildGap bounds the time spent reading sets' shapes again under a
// stream of writes to them: after a read that took d, the set's next
// waits shapeBuildGap×d, so reads take at most a tenth of one core. And
// when the shapes a read kept were never drawn before the next write made
// them useless (writes come faster than tiles of them), the wait doubles
// each time, up to shapeIdleMax: a layer written without pause (the
// assets under an editing load) is read again seldom rather than after
// every write.
// A read also waits until the version asked for has been the newest
// for shapeSettle: writes in a burst (an editing session, an import of
// assets one by one) are read once after it, not after each.
const (
	shapeBuildGap = 9
	shapeIdleMax  = 30 * time.Second
	shapeSettle   = 250 * time.Millisecond
)

// keptAssetsKey is the assets' key among the sets kept: no set's slug.
const keptAssetsKey = "/assets"

// errTooBig stops reading a set whose shapes outgrow the memory allowed.
var errTooBig = errors.New("the set's shapes outgrow the memory for them")

// shapeKeeper keeps sets' shapes for a renderer (KeepShapes).
type shapeKeeper struct {
	src    SetShapeSource
	budget int64
	ctx    context.Context // reads of shapes run under it
	one    chan struct{}   // held by the one read of shapes under way
	tick   atomic.Int64    // counts draws: shapes' last use
	mu     sync.RWMutex
	sets   map[string]*setShapes  // kept, by set slug
	state  map[string]*shapeState // reads, by set slug
	used   int64                  // bytes kept
	reads  atomic.Uint64          // reads of a set's shapes kept
	drops  atomic.Uint64          // sets given way for others
	// preparing is set while PrepareAll runs.
	preparing atomic.Bool
}

// shapeState is what the keeper knows of reading one set's shapes.
type shapeState struct {
	reading   bool
	notBefore time.Time
	tooBig    int64         // a version whose shapes outgrew the memory: not read again
	idle      time.Duration // the wait doubled while reads go undrawn
	// seen is the newest version asked for, first asked at seenAt.
	seen   int64
	seenAt time.Time
}

// setShapes are a set's shapes at one version of its tiles, or the
// assets at a version of theirs.
type setShapes struct {
	set     string // the set's slug, keptAssetsKey for the assets
	version int64
	shapes  []shapeArea // by id
	tree    *rtree.RTree
	assets  *keptAssets
	// drawn are the areas as MVT tiles of zooms up to memoMaxZoom drew
	// them (drawKept), drawnBytes the memory they take.
	drawn      [memoMaxZoom + 1]drawnAreas
	drawnBytes atomic.Int64
	bytes      int64
	used       atomic.Int64 // the keeper's tick when last drawn
	kept       int64        // the keeper's tick when kept: used is still it until drawn
}

// shapeArea is one area's shapes: geom[0] its full geometry, geom[i] that
// of the zoom band BandTops()[i-1] (the full one where it has no band).
type shapeArea struct {
	id         int64
	code, name string
	// box is the area's bounding box as the stores' spatial indexes keep
	// it: in 32-bit floats, rounded outward. Which areas a tile reads,
	// and which are largest past the limit, is decided on it.
	box  orb.Bound
	span float64
	geom []orb.MultiPolygon
}

// KeepShapes has the renderer keep the shapes of the sets it draws in
// memory, up to budget bytes, read from src under ctx (a read stops when
// ctx ends). Call it before use; without it every tile reads the store.
func (r *Renderer) KeepShapes(ctx context.Context, src SetShapeSource, budget int64) {
	if budget <= 0 {
		return
	}
	r.shapes = &shapeKeeper{src: src, budget: budget, ctx: ctx, one: make(chan struct{}, 1),
		sets: map[string]*setShapes{}, state: map[string]*shapeState{}}
}

// ShapeStats are the sets whose shapes the renderer keeps, the bytes they
// take, how many times a set's shapes were read and how many sets gave way
// for others.
func (r *Renderer) ShapeStats() (sets int, bytes int64, reads, drops uint64) {
	k := r.shapes
	if k == nil {
		return 0, 0, 0, 0
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	return len(k.sets), k.usedAll(), k.reads.Load(), k.drops.Load()
}

// usedAll is the memory the kept shapes take with the areas drawn from
// them; the caller holds k.mu.
func (k *shapeKeeper) usedAll() int64 {
	used := k.used
	for _, x := range k.sets {
		used += x.drawnBytes.Load()
	}
	return used
}

// room reports whether bytes more of drawn areas fit in the memory
// allowed: they take only what the sets' shapes leave.
func (k *shapeKeeper) room(bytes int64) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.usedAll()+bytes <= k.budget
}

// PrepareShapes reads a set's shapes (AssetsLayer: the assets) now and
// keeps them, rather than in the background when a tile first asks: for
// tests and for a server that wants its sets ready before it takes
// requests. It returns whether they are kept (not when they outgrow the
// memory or a write came meanwhile).
func (r *Renderer) PrepareShapes(set string) (bool, error) {
	if r.shapes == nil {
		return false, nil
	}
	return r.shapes.prepare(set, r.shapes.budget)
}

// prepare reads set's shapes now, errTooBig past limit bytes.
func (k *shapeKeeper) prepare(set string, limit int64) (bool, error) {
	if set == AssetsLayer {
		set = keptAssetsKey
	}
	k.one <- struct{}{}
	k.mu.Lock()
	st := k.stateOf(set)
	st.reading = true
	k.mu.Unlock()
	kept, err := k.read(set, limit)
	if errors.Is(err, errTooBig) {
		err = nil
	}
	return kept, err
}

// PrepareAll reads each set's shapes in turn (PrepareShapes), until ctx
// ends or the memory is full (a set kept made another give way), and then
// the assets if they fit in the memory left: a server's tiles are drawn
// from memory from the start rather than once each set has been asked
// for. A set that fails or is too big is passed over. ShapesPreparing
// reports it running.
func (r *Renderer) PrepareAll(ctx context.Context, sets []string) {
	k := r.shapes
	if k == nil {
		return
	}
	k.preparing.Store(true)
	defer k.preparing.Store(false)
	for _, set := range sets {
		drops := k.drops.Load()
		if ctx.Err() != nil {
			return
		}
		if kept, _ := k.prepare(set, k.budget); kept && k.drops.Load() != drops {
			return
		}
	}
	k.mu.RLock()
	left := k.budget - k.used // the areas drawn give way to the assets
	k.mu.RUnlock()
	if ctx.Err() == nil {
		_, _ = k.prepare(AssetsLayer, left)
	}
}

// ShapesPreparing reports whether PrepareAll is running.
func (r *Renderer) ShapesPreparing() bool { return r.shapes != nil && r.shapes.preparing.Load() }

// at returns set's shapes at version, or nil when they are not kept at
// that version: the tile reads the store, then calls want.
func (k *shapeKeeper) at(set string, version int64) *setShapes {
	if k == nil {
		return nil
	}
	k.mu.RLock()
	x := k.sets[set]
	k.mu.RUnlock()
	if x != nil && x.version == version {
		x.used.Store(k.tick.Add(1))
		return x
	}
	return nil
}

// want is told of a tile of set at version read from the store: it starts
// reading the set's shapes when that may pay. Only a read that succeeded
// calls it, so a request for a layer that does not exist leaves nothing
// behind.
func (k *shapeKeeper) want(set string, version int64) {
	if k == nil {
		return
	}
	k.mu.RLock()
	x, st := k.sets[set], k.state[set]
	idle := st == nil || version > st.seen || st.startable(version)
	k.mu.RUnlock()
	if idle && (x == nil || x.version < version) {
		k.start(set, version)
	}
}

// startable reports whether the set's shapes may be read for version now.
func (st *shapeState) startable(version int64) bool {
	return !st.reading && st.tooBig != version && !time.Now().Before(st.notBefore)
}

// start reads set's shapes in the background, unless they are being read,
// were read too recently, outgrew the memory at version, version has not
// been the newest asked for shapeSettle, or another set's are being read
// (the next request asks again).
func (k *shapeKeeper) start(set string, version int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	st := k.stateOf(set)
	now := time.Now()
	if version > st.seen {
		st.seen, st.seenAt = version, now
		return
	}
	if version < st.seen || now.Sub(st.seenAt) < shapeSettle || !st.startable(version) {
		return
	}
	select {
	case k.one <- struct{}{}:
	default:
		return
	}
	st.reading = true
	go func() { _, _ = k.read(set, k.budget) }()
}

func (k *shapeKeeper) stateOf(set string) *shapeState {
	st := k.state[set]
	if st == nil {
		st = &shapeState{}
		k.state[set] = st
	}
	return st
}

// read reads set's shapes (errTooBig past limit bytes) and keeps them if
// the set's version did not move meanwhile, reporting whether it did; the
// caller holds k.one, which read gives back. The shapes kept before are dropped whatever the read
// found (too big, the set gone, a write meanwhile): a read starts when
// the set's version has moved past them.
func (k *shapeKeeper) read(set string, limit int64) (bool, error) {
	defer func() { <-k.one }()
	start := time.Now()
	x, err := k.readShapes(set, limit)
	kept, err := k.settle(set, x, err, time.Since(start))
	if kept && set != keptAssetsKey {
		// The areas drawn for low zooms' tiles, now rather than by the
		// first tiles: the wait before the next read counts the time.
		start = time.Now()
		x.predraw(k.ctx, k.room)
		k.mu.Lock()
		st := k.stateOf(set)
		st.notBefore = st.notBefore.Add(shapeBuildGap * time.Since(start))
		k.mu.Unlock()
	}
	return kept, err
}

// settle ends a read of set's shapes that took took: it keeps x unless
// the read failed, and sets when the next may start.
func (k *shapeKeeper) settle(set string, x *setShapes, err error, took time.Duration) (bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	st := k.stateOf(set)
	st.reading = false
	wait := shapeBuildGap * took
	if old := k.sets[set]; old != nil {
		k.used -= old.bytes
		delete(k.sets, set)
		if old.used.Load() == old.kept {
			st.idle = min(max(2*st.idle, wait), shapeIdleMax)
		} else {
			st.idle = 0
		}
	}
	if errors.Is(err, errTooBig) && set == keptAssetsKey {
		st.idle = shapeIdleMax // more assets than are kept: seldom worth asking again
	}
	st.notBefore = time.Now().Add(max(wait, st.idle))
	switch {
	case errors.Is(err, errTooBig):
		st.tooBig = x.version
	case err == nil && x != nil:
		k.keep(set, x)
		return true, nil
	}
	return false, err
}

// readShapes reads a set's shapes from the primary (shapes kept from a
// lagging replica would be kept long). nil when the set's version moved
// while they were read: they may be of either version.
func (k *shapeKeeper) readShapes(set string, limit int64) (*setShapes, error) {
	ctx := store.OnPrimary(k.ctx)
	layer := store.SetTiles(set)
	if set == keptAssetsKey {
		layer = store.AssetsTiles
	}
	before, err := k.src.TileVersions(ctx)
	if err != nil {
		return nil, err
	}
	x := &setShapes{version: before.Of(layer)}
	if set == keptAssetsKey {
		err = x.readAssets(ctx, k.src, limit)
	} else {
		err = k.src.EachSetShape(ctx, set, func(s store.SetShape) error {
			x.add(s)
			if x.bytes > limit {
				return errTooBig
			}
			return nil
		})
	}
	if err != nil {
		return x, err
	}
	after, err := k.src.TileVersions(ctx)
	if err != nil || after.Of(layer) != x.version {
		return nil, err
	}
	x.index()
	k.reads.Add(1)
	return x, nil
}

// keep keeps x as set's shapes, the sets drawn least recently giving way
// until it fits; the caller holds k.mu.
func (k *shapeKeeper) keep(set string, x *setShapes) {
	// The areas drawn from other sets give way first, then the sets.
	for _, y := range k.byUse() {
		if k.usedAll()+x.bytes <= k.budget {
			break
		}
		y.dropDrawn()
	}
	for _, y := range k.byUse() {
		if k.used+x.bytes <= k.budget {
			break
		}
		k.used -= y.bytes
		delete(k.sets, y.set)
		k.drops.Add(1)
	}
	x.kept = k.tick.Add(1)
	x.used.Store(x.kept)
	x.set = set
	k.sets[set] = x
	k.used += x.bytes
}

// byUse are the sets kept, those drawn least recently first; the caller
// holds k.mu.
func (k *shapeKeeper) byUse() []*setShapes {
	out := make([]*setShapes, 0, len(k.sets))
	for _, y := range k.sets {
		out = append(out, y)
	}
	slices.SortFunc(out, func(a, b *setShapes) int { return cmp.Compare(a.used.Load(), b.used.Load()) })
	return out
}

// add adds an area's shapes.
func (x *setShapes) add(s store.SetShape) {
	tops := store.BandTops()
	a := shapeArea{id: s.ID, code: s.Code, name: s.Name, geom: make([]orb.MultiPolygon, len(tops)+1)}
	a.geom[0] = s.Geometry
	x.bytes += int64(len(s.Code)+len(s.Name)) + areaOverhead + shapeBytes(s.Geometry)
	for i, top := range tops {
		a.geom[i+1] = s.Geometry
		for _, b := range s.Bands {
			if b.Top == top {
				a.geom[i+1] = b.Geometry
				x.bytes += shapeBytes(b.Geometry)
			}
		}
	}
	b := s.Geometry.Bound()
	a.box = orb.Bound{Min: orb.Point{down32(b.Min[0]), down32(b.Min[1])}, Max: orb.Point{up32(b.Max[0]), up32(b.Max[1])}}
	a.span = max(a.box.Max[0]-a.box.Min[0], a.box.Max[1]-a.box.Min[1])
	x.shapes = append(x.shapes, a)
}

// areaOverhead is about the memory an area's shapes take besides its
// geometry and its names: the area, its geometries' list, its R-tree
// entry. With it the estimate of the Sheffield demo's shapes (3.45 MB)
// is the heap they take, measured.
const areaOverhead = 400

// shapeBytes is about the memory a geometry takes.
func shapeBytes(mp orb.MultiPolygon) int64 {
	n := 24 * int64(len(mp))
	for _, p := range mp {
		n += 24 * int64(len(p))
		for _, r := range p {
			n += 16 * int64(len(r))
		}
	}
	return n
}

// index sorts the areas by id and indexes their boxes.
func (x *setShapes) index() {
	slices.SortFunc(x.shapes, func(a, b shapeArea) int { return cmp.Compare(a.id, b.id) })
	items := make([]rtree.BulkItem, len(x.shapes))
	for i, a := range x.shapes {
		items[i] = rtree.BulkItem{Box: rtree.Box{MinX: a.box.Min[0], MinY: a.box.Min[1], MaxX: a.box.Max[0], MaxY: a.box.Max[1]}, RecordID: i}
	}
	x.tree = rtree.BulkLoad(items)
	x.shapes = slices.Clip(x.shapes)
}

// features are the tile features of areas(set, q), and the areas' index
// in x.shapes.
func (x *setShapes) features(set string, q store.ShapeQuery) ([]*geojson.Feature, []int) {
	hits := x.hits(q)
	areas := x.areasOf(set, q, hits)
	fs := make([]*geojson.Feature, len(areas))
	for i, a := range areas {
		fs[i] = areaFeature(a)
	}
	return fs, hits
}

// areas are the areas the store's AreaShapes answers q with (those whose
// box meets q.BBox and spans q.MinSpan, the largest past q.Limit, each
// with the geometry of q's zoom band), in id order. Their geometry is
// shared: not to be changed.
func (x *setShapes) areas(set string, q store.ShapeQuery) []place.Area {
	return x.areasOf(set, q, x.hits(q))
}

// hits are the indexes in x.shapes of the areas answering q, in id order.
func (x *setShapes) hits(q store.ShapeQuery) []int {
	limit, _ := store.Page(q.Limit, 0)
	b := q.BBox
	var hits []int
	_ = x.tree.RangeSearch(rtree.Box{MinX: b.Min[0], MinY: b.Min[1], MaxX: b.Max[0], MaxY: b.Max[1]}, func(i int) error {
		if x.shapes[i].span >= q.MinSpan {
			hits = append(hits, i)
		}
		return nil
	})
	if len(hits) > limit {
		slices.SortFunc(hits, func(i, j int) int {
			return cmp.Or(cmp.Compare(x.shapes[j].span, x.shapes[i].span), cmp.Compare(x.shapes[i].id, x.shapes[j].id))
		})
		hits = hits[:limit]
	}
	slices.Sort(hits)
	return hits
}

// areasOf are the areas of hits with the geometry of q's zoom band.
func (x *setShapes) areasOf(set string, q store.ShapeQuery, hits []int) []place.Area {
	slot := bandSlot(q)
	out := make([]place.Area, len(hits))
	for n, i := range hits {
		a := &x.shapes[i]
		out[n] = place.Area{ID: a.id, Set: set, Code: a.code, Name: a.name, Geometry: a.geom[slot]}
	}
	return out
}

// bandSlot is which of an area's geometries answers q (shapeArea.geom).
func bandSlot(q store.ShapeQuery) int {
	top, ok := store.BandFor(q.Zoom)
	if !q.Generalised || !ok {
		return 0
	}
	return slices.Index(store.BandTops(), top) + 1
}

// down32 is the largest 32-bit float at most d; up32 the least at least d.
func down32(d float64) float64 {
	f := float32(d)
	if float64(f) > d {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return float64(f)
}

func up32(d float64) float64 {
	f := float32(d)
	if float64(f) < d {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return float64(f)
}
