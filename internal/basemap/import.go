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
// is built. A file that cannot be read, or that has no streets (in
// opts.BBox when set), is refused with EINVALID naming the file, and the
// previous basemap stays.
func Import(ctx context.Context, st Store, src osm.Source, name string, opts Options) (Result, error) {
	res := Result{Layers: map[string]int{}}
	err := st.ReplaceBasemap(ctx, func(w *store.BasemapWriter) (store.BasemapInfo, error) {
		namer := NewNamer()
		var bounds orb.Bound
		drawn := 0
		stats, err := osm.Read(ctx, src, name, osm.Options{Keep: Keep, Trim: Trim, BBox: opts.BBox, MaxDecompressed: opts.MaxDecompressed,
			Progress: opts.Progress}, func(o osm.Object) error {
			fs := objectFeatures(o, namer)
			if len(fs) == 0 {
				return nil
			}
			res.Layers[fs[0].Layer]++
			res.Features += len(fs)
			if b := fs[len(fs)-1].Geometry.Bound(); drawn == 0 {
				bounds = b
			} else {
				bounds = bounds.Union(b)
			}
			drawn++
			return w.Add(fs...)
		})
		res.Stats = stats
		if err != nil {
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
		res.Bounds = bounds
		return store.BasemapInfo{Source: name, Bounds: bounds}, w.Names(names)
	})
	return res, err
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
