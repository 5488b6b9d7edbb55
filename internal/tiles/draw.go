package tiles

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// A tile with much to draw (a low-zoom tile of a fine set: hundreds of
// areas, tens of thousands of points) is drawn on more than one core when
// cores are idle: with one request at a time, one goroutine would leave
// the others so. Features are drawn independently and put back in their
// order, so the tile's bytes are the same however it was drawn.
const (
	// parallelPoints is the fewest points, over a tile's features, worth
	// another goroutine: below it, starting and joining one costs about
	// what it saves.
	parallelPoints = 2048
	// drawChunk is how many features a worker takes at a time: features
	// differ in cost, so workers take small chunks in turn rather than a
	// fixed share each.
	drawChunk = 4
)

// drawWorkers is how many goroutines a render may draw its features on:
// the cores not taken by the renders in progress (this one among them), at
// least one. Under load every core is taken and each tile is drawn on its
// own goroutine, as before.
func (r *Renderer) drawWorkers() int {
	return max(1, runtime.GOMAXPROCS(0)-int(r.rendering.Load())+1)
}

// drawFeatures draws each feature's geometry with draw, each goroutine
// with its own scratch, and returns what it drew in feature order (nil
// where nothing is left). It uses up to workers goroutines, the caller's
// among them, when the features have parallelPoints points or more; one
// otherwise.
func drawFeatures(fs []*geojson.Feature, workers int, draw func(sc *polyScratch, g orb.Geometry) orb.Geometry) []orb.Geometry {
	return drawEach(fs, workers, func(sc *polyScratch, i int) orb.Geometry { return draw(sc, fs[i].Geometry) })
}

// drawEach is drawFeatures with draw given each feature's index.
func drawEach(fs []*geojson.Feature, workers int, draw func(sc *polyScratch, i int) orb.Geometry) []orb.Geometry {
	out := make([]orb.Geometry, len(fs))
	workers = min(workers, (len(fs)+drawChunk-1)/drawChunk)
	if workers > 1 && countPoints(fs, parallelPoints) < parallelPoints {
		workers = 1
	}
	if workers <= 1 {
		var sc polyScratch
		for i := range fs {
			out[i] = draw(&sc, i)
		}
		return out
	}
	var next atomic.Int64
	work := func() {
		var sc polyScratch
		for {
			i := int(next.Add(drawChunk)) - drawChunk
			if i >= len(fs) {
				return
			}
			for j := i; j < min(i+drawChunk, len(fs)); j++ {
				out[j] = draw(&sc, j)
			}
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	return out
}

// countPoints counts the points of the features' polygons, stopping once
// it reaches enough.
func countPoints(fs []*geojson.Feature, enough int) int {
	n := 0
	for _, f := range fs {
		if n += pointCount(f.Geometry); n >= enough {
			break
		}
	}
	return n
}

// drawStream draws features as read hands them over (yield, with each
// feature's id), so a tile is drawn while the store still reads it: on
// read's goroutine until they come to parallelPoints points, then on up
// to workers goroutines of their own while read goes on reading. restart
// drops the features handed over so far (the store reads the tile's
// areas again). It returns the features in id order and what draw made
// of each, as drawFeatures does: the same tile's bytes however it was
// read and drawn.
func drawStream(read func(yield func(uint64, *geojson.Feature), restart func()) error, workers int, draw drawFunc) ([]*geojson.Feature, []orb.Geometry, error) {
	s := &stream{draw: draw, workers: workers}
	err := read(s.add, func() { s.gen++ })
	if s.queue != nil {
		s.send()
		close(s.queue)
		s.wg.Wait()
	}
	if err != nil {
		return nil, nil, err
	}
	all := s.inline
	for _, out := range s.outs {
		all = append(all, out...)
	}
	all = slices.DeleteFunc(all, func(d drawnFeature) bool { return d.gen != s.gen })
	slices.SortFunc(all, func(a, b drawnFeature) int { return cmp.Compare(a.id, b.id) })
	fs, drawn := make([]*geojson.Feature, len(all)), make([]orb.Geometry, len(all))
	for i, d := range all {
		fs[i], drawn[i] = d.f, d.g
	}
	return fs, drawn, nil
}

// drawnFeature is a feature of drawStream and what draw made of it; gen
// counts the restarts before it was read.
type drawnFeature struct {
	id  uint64
	f   *geojson.Feature
	g   orb.Geometry
	gen int
}

// stream is drawStream's state.
type stream struct {
	draw    drawFunc
	workers int
	gen     int
	points  int
	sc      polyScratch
	inline  []drawnFeature // drawn on read's goroutine
	// batch is queued to the drawing goroutines, once started, drawChunk
	// features at a time: a goroutine woken per feature cost more than a
	// small feature's drawing.
	batch []drawnFeature
	queue chan []drawnFeature
	outs  [][]drawnFeature // drawn by each drawing goroutine
	wg    sync.WaitGroup
}

// add draws a feature, or queues it once the goroutines drawing are
// started.
func (s *stream) add(id uint64, f *geojson.Feature) {
	d := drawnFeature{id: id, f: f, gen: s.gen}
	if s.queue != nil {
		if s.batch = append(s.batch, d); len(s.batch) == drawChunk {
			s.send()
		}
		return
	}
	d.g = s.draw(&s.sc, f.Geometry)
	s.inline = append(s.inline, d)
	if s.points += pointCount(f.Geometry); s.points >= parallelPoints && s.workers > 1 {
		s.start()
	}
}

// send queues the batch to the drawing goroutines.
func (s *stream) send() {
	if len(s.batch) > 0 {
		s.queue <- s.batch
		s.batch = make([]drawnFeature, 0, drawChunk)
	}
}

// start starts the goroutines drawing.
func (s *stream) start() {
	s.queue = make(chan []drawnFeature, 16)
	s.outs = make([][]drawnFeature, s.workers)
	for w := range s.outs {
		s.wg.Go(func() {
			var sc polyScratch
			for batch := range s.queue {
				for _, d := range batch {
					d.g = s.draw(&sc, d.f.Geometry)
					s.outs[w] = append(s.outs[w], d)
				}
			}
		})
	}
}
