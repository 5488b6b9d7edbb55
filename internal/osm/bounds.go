package osm

import (
	"context"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	posm "github.com/paulmach/osm"

	pgeo "github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// Where a file's bounds come from.
const (
	BoundsHeader = "header" // the PBF header's bbox, or an XML file's <bounds>
	BoundsData   = "data"   // the extent of the positions the file holds
)

// HeaderBounds returns the bbox a file declares: a PBF header's, or the
// <bounds> element of OSM XML (plain or compressed). ok is false when it
// declares none (Overpass JSON never does); an error only when the file
// cannot be opened or its start is not an OSM file. It reads no more than
// the file's first block or elements.
func HeaderBounds(ctx context.Context, open Source, name string, maxDecompressed int64) (b orb.Bound, ok bool, err error) {
	rc, err := open()
	if err != nil {
		return b, false, fmt.Errorf("open %s: %w", name, err)
	}
	defer rc.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	none := func(int64, bool) bool { return false }
	var cnt counts
	lim := newLimits(name, maxDecompressed)
	sc, _, err := openScanner(ctx, rc, name, filter{node: none, way: none, relation: none}, &cnt, lim)
	if err != nil {
		r := &reader{name: name}
		return b, false, r.scanError(err, &countingReader{r: rc}, lim, 0, 0)
	}
	defer sc.close()
	inner := sc
	if s, ok := sc.(stopScanner); ok {
		inner = s.scanner
	}
	var bounds *posm.Bounds
	switch s := inner.(type) {
	case *pbfScanner:
		h, err := s.s.Header()
		if err != nil {
			return b, false, invalidf(name, "not a valid OSM PBF file: %v", err)
		}
		if h != nil {
			bounds = h.Bounds
		}
	case *xmlScanner:
		// <bounds> comes before the first node; stop at the first object.
		bounds = s.headerBounds()
	}
	if bounds == nil {
		return b, false, nil
	}
	b = orb.Bound{Min: orb.Point{bounds.MinLon, bounds.MinLat}, Max: orb.Point{bounds.MaxLon, bounds.MaxLat}}
	if !validBound(b) {
		return orb.Bound{}, false, nil // a header that says nothing usable: fall back to the data
	}
	return b, true, nil
}

// FileBounds returns the ground a file covers: the bbox its header
// declares (HeaderBounds; from is BoundsHeader), else the extent of every
// position it holds, nodes tagged or not and the geometries and centres
// Overpass gives (from is BoundsData; one more pass over the file). from is
// "" for a file with no position at all: it covers nothing.
//
// maxDecompressed bounds what the file may decompress to, as for Read.
func FileBounds(ctx context.Context, open Source, name string, maxDecompressed int64) (b orb.Bound, from string, err error) {
	if b, ok, err := HeaderBounds(ctx, open, name, maxDecompressed); err != nil || ok {
		if ok {
			from = BoundsHeader
		}
		return b, from, err
	}
	rc, err := open()
	if err != nil {
		return b, "", fmt.Errorf("open %s: %w", name, err)
	}
	defer rc.Close()
	cr := &countingReader{r: rc}
	all := func(int64, bool) bool { return true }
	var cnt counts
	lim := newLimits(name, maxDecompressed)
	sc, _, err := openScanner(ctx, cr, name, filter{node: all, way: all}, &cnt, lim)
	r := &reader{name: name}
	if err != nil {
		return b, "", r.scanError(err, cr, lim, 0, 0)
	}
	defer sc.close()
	ok := false
	add := func(p orb.Point) {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) {
			return
		}
		if !ok {
			b, ok = orb.Bound{Min: p, Max: p}, true
			return
		}
		b = b.Extend(p)
	}
	for sc.scan() {
		e := sc.element()
		if e.hasPt {
			add(e.pt)
		}
		for _, p := range e.pts {
			add(p)
		}
		if e.center != nil {
			add(*e.center)
		}
	}
	if err := ctx.Err(); err != nil {
		return b, "", fmt.Errorf("read %s: %w", name, err)
	}
	if err := r.scanError(sc.err(), cr, lim, cnt.total(), 0); err != nil {
		return b, "", err
	}
	if !ok || !validBound(b) {
		return orb.Bound{}, "", nil
	}
	return b, BoundsData, nil
}

func validBound(b orb.Bound) bool {
	for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return b.Min[0] >= -180 && b.Max[0] <= 180 && b.Min[1] >= -90 && b.Max[1] <= 90 && b.Min[0] <= b.Max[0] && b.Min[1] <= b.Max[1]
}

// Covers reports whether a file that covers b can say that OSM lacks an
// asset at p: OSM's counterpart may lie anywhere within radiusM of it, so
// the whole of that circle must lie inside b, not only p.
func Covers(b orb.Bound, p orb.Point, radiusM float64) bool {
	if !b.Contains(p) {
		return false
	}
	// The circle's extent in degrees at p: a metre is more of a longitude
	// degree towards the poles.
	dLat := radiusM / geo.Distance(orb.Point{p[0], p[1] - 0.5}, orb.Point{p[0], p[1] + 0.5})
	dLon := radiusM / math.Max(geo.Distance(orb.Point{p[0] - 0.5, p[1]}, orb.Point{p[0] + 0.5, p[1]}), 1)
	return p[0]-dLon >= b.Min[0] && p[0]+dLon <= b.Max[0] && p[1]-dLat >= b.Min[1] && p[1]+dLat <= b.Max[1]
}

// CoversAsset is Covers for an asset: the point on its surface, with its
// category's conflation radius.
func CoversAsset(b orb.Bound, a place.Asset) bool {
	if a.Geometry == nil {
		return false
	}
	return Covers(b, pgeo.PointOnSurface(a.Geometry), RadiusM(a.Category))
}

// Within drops the "only here" lines of a conflation whose asset the file
// does not cover (covers is false; CoversAsset for a file's bounds): where
// the file has no data, its lacking an object says nothing. They are
// returned as outside; every other line is kept.
func Within(ms []Match, covers func(place.Asset) bool) (kept []Match, outside []place.Asset) {
	kept = make([]Match, 0, len(ms))
	for _, m := range ms {
		if m.Outcome == OnlyLocal && !covers(*m.Local) {
			outside = append(outside, *m.Local)
			continue
		}
		kept = append(kept, m)
	}
	return kept, outside
}
