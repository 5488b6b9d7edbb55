package basemap

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// Store is what an import asks of the store.
type Store interface {
	ReplaceBasemap(ctx context.Context, fill func(w *store.BasemapWriter) (store.BasemapInfo, error)) error
}

// Options are an import's limits.
type Options struct {
	BBox            *orb.Bound // only objects whose centre lies in it; nil for all
	MaxDecompressed int64      // osm.Options.MaxDecompressed
	Progress        func(osm.Progress)
}

// Result says what an import read and drew.
type Result struct {
	Stats    osm.Stats
	Layers   map[string]int // objects drawn, by layer
	Features int            // stored features, over every band
	Streets  int            // street rows of basemap_names
	Places   int            // place rows
	Bounds   orb.Bound      // of what is drawn
}

// Import reads the OpenStreetMap file src (called name in messages) and
// replaces the stored basemap and its names with what it draws, in one
// transaction. The file is streamed (osm.Read, with its decompression
// and PBF guards): what is held is the kept objects until their geometry
// is built. Reading and simplifying run beside the writes, in their own
// goroutine. A file that cannot be read, or that has no streets (in
// opts.BBox when set), is refused with EINVALID naming the file, and the
// previous basemap stays.
func Import(ctx context.Context, st Store, src osm.Source, name string, opts Options) (Result, error) {
	res := Result{Layers: map[string]int{}}
	err := st.ReplaceBasemap(ctx, func(w *store.BasemapWriter) (store.BasemapInfo, error) {
		rctx, cancel := context.WithCancel(ctx)
		defer cancel()
		namer := NewNamer()
		batches, wait := readFeatures(rctx, src, name, opts, namer, &res)
		var werr error
		for b := range batches {
			if werr == nil {
				if werr = w.Add(b...); werr != nil {
					cancel() // stop reading; the batches left are drained
				}
			}
		}
		stats, err := wait()
		res.Stats = stats
		switch {
		case werr != nil:
			return store.BasemapInfo{}, werr
		case err != nil:
			return store.BasemapInfo{}, err
		}
		if err := noStreets(name, opts.BBox, stats, res.Layers); err != nil {
			return store.BasemapInfo{}, err
		}
		names := namer.Names()
		for _, n := range names {
			if n.Kind == "street" {
				res.Streets++
			} else {
				res.Places++
			}
		}
		return store.BasemapInfo{Source: name, Bounds: res.Bounds}, w.Names(names)
	})
	return res, err
}

// batchSize is how many features the reading goroutine hands over at once.
const batchSize = 512

// readFeatures reads src in a goroutine, sending its features in batches
// and noting names in namer and counts in res; the channel is closed when
// reading ends, and wait then gives what osm.Read returned. res and namer
// are the goroutine's until wait returns.
func readFeatures(ctx context.Context, src osm.Source, name string, opts Options, namer *Namer, res *Result) (<-chan []store.BasemapFeature, func() (osm.Stats, error)) {
	out := make(chan []store.BasemapFeature, 4)
	done := make(chan struct{})
	var stats osm.Stats
	var err error
	send := func(b []store.BasemapFeature) error {
		select {
		case out <- b:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("read %s: %w", name, ctx.Err())
		}
	}
	go func() {
		defer close(done)
		defer close(out)
		var batch []store.BasemapFeature
		stats, err = osm.Read(ctx, src, name, osm.Options{Keep: Keep, Trim: Trim, BBox: opts.BBox, MaxDecompressed: opts.MaxDecompressed,
			Progress: opts.Progress}, func(o osm.Object) error {
			fs := objectFeatures(o, namer)
			if len(fs) == 0 {
				return nil
			}
			if b := fs[len(fs)-1].Geometry.Bound(); res.Features == 0 {
				res.Bounds = b
			} else {
				res.Bounds = res.Bounds.Union(b)
			}
			res.Layers[fs[0].Layer]++
			res.Features += len(fs)
			if batch = append(batch, fs...); len(batch) < batchSize {
				return nil
			}
			b := batch
			batch = nil
			return send(b)
		})
		if err == nil && len(batch) > 0 {
			err = send(batch)
		}
	}()
	return out, func() (osm.Stats, error) { <-done; return stats, err }
}

// objectFeatures are the stored features of one object read, noting its
// name in namer.
func objectFeatures(o osm.Object, namer *Namer) []store.BasemapFeature {
	if o.Geometry == nil {
		return nil // the extract cuts through it
	}
	k := Classify(o.Tags)
	if k.Layer == "" || k.Layer == Places && o.Type != osm.Node {
		return nil
	}
	name, ref := o.Tags["name"], o.Tags["ref"]
	fs := Features(k, name, ref, o.Geometry)
	if len(fs) == 0 {
		return nil
	}
	switch k.Layer {
	case Roads, Paths:
		if l, ok := fs[len(fs)-1].Geometry.(orb.LineString); ok {
			namer.Street(k, name, ref, l)
		}
	case Places:
		namer.Place(k, name, o.Geometry.(orb.Point))
	}
	return fs
}

// noStreets refuses a file with nothing to draw streets from.
func noStreets(name string, bbox *orb.Bound, st osm.Stats, layers map[string]int) error {
	if layers[Roads]+layers[Paths] > 0 {
		return nil
	}
	if st.Nodes+st.Ways+st.Relations == 0 {
		return place.Errorf(place.EINVALID, "%s: the file holds no OpenStreetMap objects: nothing to make a basemap of", name)
	}
	where := "the file"
	if bbox != nil {
		where = fmt.Sprintf("--bbox %g,%g,%g,%g", bbox.Min[0], bbox.Min[1], bbox.Max[0], bbox.Max[1])
	}
	return place.Errorf(place.EINVALID, "%s: no streets (highway=* ways) in %s, of %d nodes, %d ways, %d relations read: nothing to make a street basemap of",
		name, where, st.Nodes, st.Ways, st.Relations)
}
