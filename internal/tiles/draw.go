package tiles

import (
	"runtime"
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
	out := make([]orb.Geometry, len(fs))
	workers = min(workers, (len(fs)+drawChunk-1)/drawChunk)
	if workers > 1 && countPoints(fs, parallelPoints) < parallelPoints {
		workers = 1
	}
	if workers <= 1 {
		var sc polyScratch
		for i, f := range fs {
			out[i] = draw(&sc, f.Geometry)
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
				out[j] = draw(&sc, fs[j].Geometry)
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
