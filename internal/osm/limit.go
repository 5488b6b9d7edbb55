package osm

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/placemap/placemap/internal/place"
)

// DefaultMaxDecompressed is the decompressed size Read allows when
// Options.MaxDecompressed is 0: 512 MiB, past a city's .osm.bz2 and far
// past any 32 MiB upload of real OSM data, which compresses 3 to 15 times.
const DefaultMaxDecompressed = 512 << 20

// What a reading keeps in memory is bounded by the decompressed-size limit
// too: a file within the limit can be packed with objects the reader keeps
// (a 117 KB PBF of 4.8 million tagged libraries, 8,000 to a block, drove
// a conflation to 9 GB), and a kept object costs far more held than read.
// Each kept object counts keptObjectCost bytes and each of its tags, node
// references, members and positions keptItemCost; together they may reach
// half the limit (at least minKept). Measured, a kept object holds about 1.7 KB of the
// process's memory (objects, tags, the assets made of them, the collector's
// headroom), so the default 512 MiB keeps some 120,000 objects, far past a
// city's few thousand; England's extract needs the limit raised anyway.
const (
	keptObjectCost = 2048
	keptItemCost   = 32
)

// maxElement bounds the bytes of OSM XML or Overpass JSON read for one
// object (and whatever lies between two objects): the parsers hold a
// whole token or element in memory, so a run of gigabytes without markup
// would otherwise be held whole. The largest real elements, relations
// with thousands of members or Overpass out geom of a long boundary, are
// a few MiB.
const maxElement = 16 << 20

// maxXMLDepth bounds how deeply XML elements nest. OSM XML nests three
// deep (osm, node, tag) and osmChange four; encoding/xml keeps a record
// for every open element, so a file of nothing but "<a>" would cost 40
// times its size.
const maxXMLDepth = 32

// errLimit is what a bounded reader returns past its limit; the limit
// that says why is recorded in the pass's limits.
var errLimit = errors.New("osm: read past a limit")

// limits is one pass's record of the bound it broke first, if any. The
// readers that enforce bounds run on other goroutines than the pass
// (decompression, the PBF decoder), and the parsers wrap or replace the
// errors they get, so the bound is recorded here and the pass reports it
// whatever error reaches it.
type limits struct {
	name            string // the file, for messages
	maxDecompressed int64

	broken atomic.Bool // set once why is
	mu     sync.Mutex
	code   string // place.ETOOLARGE or place.EINVALID
	why    string
}

// newLimits bounds one reading of the file name; maxDecompressed <= 0
// means DefaultMaxDecompressed.
func newLimits(name string, maxDecompressed int64) *limits {
	return &limits{name: name, maxDecompressed: orDefault(maxDecompressed)}
}

// orDefault is the decompressed-size limit Options.MaxDecompressed stands
// for: DefaultMaxDecompressed when it is 0 or less.
func orDefault(maxDecompressed int64) int64 {
	if maxDecompressed <= 0 {
		return DefaultMaxDecompressed
	}
	return maxDecompressed
}

// exceed records why reading must stop and returns errLimit; only the
// first reason counts.
func (l *limits) exceed(code, format string, args ...any) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.why == "" {
		l.code, l.why = code, fmt.Sprintf(format, args...)
		l.broken.Store(true)
	}
	return errLimit
}

// err returns the place error for the bound broken, or nil.
func (l *limits) err() error {
	if !l.broken.Load() {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.why == "" {
		return nil
	}
	return place.Errorf(l.code, "%s: %s", l.name, l.why)
}

// maxKept is the cost of what a reading within maxDecompressed may keep.
func maxKept(maxDecompressed int64) int64 {
	return max(orDefault(maxDecompressed)/2, minKept)
}

// minKept is what any reading may keep, however low the limit: a small
// limit is for refusing bombs early, not small files (some 32,000 objects).
const minKept = 64 << 20

// tooLarge records a decompressed size past the limit.
func (l *limits) tooLarge(what string) error {
	return l.exceed(place.ETOOLARGE, "%s", l.tooLargeWhy(what))
}

// tooLargeWhy says why what, decompressing past the limit, is refused.
func (l *limits) tooLargeWhy(what string) string {
	return fmt.Sprintf("%s decompresses to more than %s, the limit (--max-decompressed-mb): refused as a decompression bomb",
		what, mibString(l.maxDecompressed))
}

func mibString(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// decompressedReader passes on what a decompressor gives until the limit,
// and fails past it without reading more.
type decompressedReader struct {
	r    io.Reader
	left int64 // bytes still allowed
	what string
	lim  *limits
}

func (d *decompressedReader) Read(p []byte) (int, error) {
	if d.left < 0 {
		return 0, errLimit
	}
	// Ask for one byte more than allowed, to tell "exactly the limit"
	// from "past it".
	if int64(len(p)) > d.left+1 {
		p = p[:d.left+1]
	}
	n, err := d.r.Read(p)
	d.left -= int64(n)
	if d.left < 0 {
		return n + int(d.left), d.lim.tooLarge(d.what)
	}
	return n, err
}

// elementReader bounds the bytes read between two calls of next: the
// size of one element of OSM XML or Overpass JSON, give or take the
// parser's buffer.
type elementReader struct {
	r    io.Reader
	read int64 // since the last element
	lim  *limits
	what string // "OSM XML element", "Overpass JSON element"
}

func (e *elementReader) next() { e.read = 0 }

func (e *elementReader) Read(p []byte) (int, error) {
	if e.read > maxElement {
		return 0, errLimit
	}
	n, err := e.r.Read(p)
	e.read += int64(n)
	if e.read > maxElement {
		return n, e.lim.exceed(place.ETOOLARGE, "an %s runs past %s without ending: refused, real OSM objects are far smaller", e.what, mibString(maxElement))
	}
	return n, err
}
