package osm

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
	posm "github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
)

// element is a node, way or relation as every format reads it.
type element struct {
	typ     string
	id      int64
	version int
	ts      time.Time
	tags    posm.Tags         // PBF and XML
	tagMap  map[string]string // Overpass JSON
	pt      orb.Point         // a node's position
	hasPt   bool              // false for a node without coordinates (Overpass out tags)
	refs    []int64           // a way's node ids
	pts     []orb.Point       // a way's positions when the file gives them (out geom); nil otherwise
	members []member          // a relation's members
	center  *orb.Point        // the centre Overpass gave (out center)
}

// member is a relation member; pts is a way member's geometry when the
// file gives it (out geom).
type member struct {
	typ  string
	ref  int64
	role string
	pts  []orb.Point
}

func (e *element) tagged() bool { return len(e.tags) > 0 || len(e.tagMap) > 0 }

// tagsMap returns the element's tags as a map, made anew.
func (e *element) tagsMap() map[string]string {
	if e.tagMap != nil {
		return e.tagMap
	}
	return e.tags.Map()
}

// filter says which elements a pass wants. The functions are called from
// the PBF decoder's goroutines, so they must only read. A nil function
// skips its type altogether.
type filter struct {
	node, way, relation func(id int64, tagged bool) bool
	// keep, when set, drops tagged objects it refuses already in the PBF
	// decoder, where memory of refused objects is reused; the pass's
	// handler applies it again, so other formats need not.
	keep func(map[string]string) bool
}

func (f filter) want(typ string, id int64, tagged bool) bool {
	var fn func(int64, bool) bool
	switch typ {
	case Node:
		fn = f.node
	case Way:
		fn = f.way
	case Relation:
		fn = f.relation
	}
	return fn != nil && fn(id, tagged)
}

// scanner steps through the elements of a file that a filter wants.
type scanner interface {
	scan() bool
	element() *element
	err() error
	close()
}

// counts are the elements a scanner has read, wanted or not; atomic since
// the PBF decoder counts from its goroutines.
type counts struct{ nodes, ways, relations atomic.Int64 }

func (c *counts) add(typ string) {
	switch typ {
	case Node:
		c.nodes.Add(1)
	case Way:
		c.ways.Add(1)
	case Relation:
		c.relations.Add(1)
	}
}

func (c *counts) total() int64 { return c.nodes.Load() + c.ways.Load() + c.relations.Load() }

// countingReader counts the bytes read and keeps the first error of the
// underlying reader other than EOF, so that a failing disk is told apart
// from a faulty file.
type countingReader struct {
	r     io.Reader
	n     atomic.Int64
	mu    sync.Mutex
	ioErr error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	if err != nil && err != io.EOF {
		c.mu.Lock()
		if c.ioErr == nil {
			c.ioErr = err
		}
		c.mu.Unlock()
	}
	return n, err
}

func (c *countingReader) readErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ioErr
}

// openScanner finds the format of r, decompressing it if need be, and
// returns a scanner over it. Decompression, the PBF blocks and the XML or
// JSON elements are held to lim.
func openScanner(ctx context.Context, r io.Reader, name string, f filter, n *counts, lim *limits) (scanner, Format, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	in := br
	var stop func()
	switch compressionOf(head) {
	case gzipped:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, "", err // Read describes it
		}
		in, stop = decompress(&decompressedReader{r: zr, left: lim.maxDecompressed, what: "the gzip data", lim: lim})
	case bzipped:
		in, stop = decompress(&decompressedReader{r: bzip2.NewReader(br), left: lim.maxDecompressed, what: "the bzip2 data", lim: lim})
	}
	sc, format, err := formatScanner(ctx, in, name, f, n, lim)
	if err == nil && stop != nil && format == PBF {
		// PBF compresses its blocks itself; compressed again, its blocks
		// could come large and many from a small file, and the decoder
		// holds a dozen in memory at once.
		sc.close()
		err = invalidf(name, "a PBF file compressed again with gzip or bzip2: PBF is compressed already, give the .osm.pbf as it is")
	}
	if stop != nil {
		if err != nil {
			stop()
			return nil, "", err
		}
		sc = stopScanner{sc, stop}
	}
	return sc, format, err
}

func formatScanner(ctx context.Context, in *bufio.Reader, name string, f filter, n *counts, lim *limits) (scanner, Format, error) {
	head, err := in.Peek(512)
	if len(head) == 0 && err != nil && err != io.EOF {
		return nil, "", err // a decompression or I/O error; Read describes it
	}
	format, err := sniff(name, head)
	if err != nil {
		return nil, "", err
	}
	switch format {
	case PBF:
		return newPBFScanner(ctx, newPBFGuard(in, lim), f, n), format, nil
	case XML:
		if err := checkXMLRoot(name, head, in); err != nil {
			return nil, "", err
		}
		return newXMLScanner(ctx, in, name, f, n, lim), format, nil
	default:
		return newJSONScanner(ctx, in, name, f, n, lim), format, nil
	}
}

// decompress runs zr in a goroutine of its own, so that decompression and
// parsing share the work on two cores. stop ends the goroutine.
func decompress(zr io.Reader) (*bufio.Reader, func()) {
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, zr)
		pw.CloseWithError(err)
	}()
	return bufio.NewReaderSize(pr, 64<<10), func() { pr.Close() }
}

// stopScanner stops a decompressing goroutine when the scanner closes.
type stopScanner struct {
	scanner
	stop func()
}

func (s stopScanner) close() {
	s.scanner.close()
	s.stop()
}

// pbfScanner reads PBF with osmpbf's parallel decoder, filtering in the
// decoder so that unwanted objects cost no allocation.
type pbfScanner struct {
	s *osmpbf.Scanner
	g *pbfGuard
	e element
}

func newPBFScanner(ctx context.Context, r *pbfGuard, f filter, n *counts) *pbfScanner {
	s := osmpbf.New(ctx, r, runtime.GOMAXPROCS(0))
	s.SkipNodes, s.SkipWays, s.SkipRelations = f.node == nil, f.way == nil, f.relation == nil
	kept := func(tags posm.Tags) bool {
		if f.keep == nil || len(tags) == 0 {
			return true
		}
		// Keep only reads the map: one per decoder goroutine serves
		// every object.
		m := tagMaps.Get().(map[string]string)
		for _, t := range tags {
			m[t.Key] = t.Value
		}
		ok := f.keep(m)
		clear(m)
		tagMaps.Put(m)
		return ok
	}
	s.FilterNode = func(o *posm.Node) bool {
		n.add(Node)
		return f.node(int64(o.ID), len(o.Tags) > 0) && kept(o.Tags)
	}
	s.FilterWay = func(o *posm.Way) bool {
		n.add(Way)
		return f.way(int64(o.ID), len(o.Tags) > 0) && kept(o.Tags)
	}
	s.FilterRelation = func(o *posm.Relation) bool {
		n.add(Relation)
		return f.relation(int64(o.ID), len(o.Tags) > 0) && kept(o.Tags)
	}
	return &pbfScanner{s: s, g: r}
}

var tagMaps = sync.Pool{New: func() any { return map[string]string{} }}

func (p *pbfScanner) scan() bool {
	for p.s.Scan() {
		if fromOSM(p.s.Object(), &p.e) {
			return true
		}
	}
	return false
}

func (p *pbfScanner) element() *element { return &p.e }
func (p *pbfScanner) err() error        { return p.s.Err() }

// close stops the decoder, then the guard it reads from.
func (p *pbfScanner) close() {
	_ = p.s.Close()
	p.g.close()
}

// xmlScanner reads OSM XML with encoding/xml, decoding nodes, ways and
// relations into paulmach/osm's types as osmxml does, filtering after
// decoding. It reads the tokens itself (rather than through osmxml) to
// bound how deeply elements nest and how large one may be: encoding/xml
// holds every open element and a whole token in memory.
type xmlScanner struct {
	ctx   context.Context
	d     *xml.Decoder
	in    *elementReader
	depth int // elements open around the objects: osm, and osmChange's create
	f     filter
	n     *counts
	e     element
	name  string
	bad   error // the file breaks a rule of the format
	rerr  error // the decoder's error
}

func newXMLScanner(ctx context.Context, r io.Reader, name string, f filter, n *counts, lim *limits) *xmlScanner {
	in := &elementReader{r: r, lim: lim, what: "OSM XML element"}
	return &xmlScanner{ctx: ctx, d: xml.NewDecoder(in), in: in, f: f, n: n, name: name}
}

// next decodes the next node, way or relation.
func (x *xmlScanner) next() (posm.Object, bool) {
	x.in.next()
	for {
		if err := x.ctx.Err(); err != nil {
			x.rerr = err
			return nil, false
		}
		t, err := x.d.Token()
		if err != nil {
			if err != io.EOF {
				x.rerr = err
			}
			return nil, false
		}
		switch t := t.(type) {
		case xml.EndElement:
			x.depth--
		case xml.StartElement:
			var o posm.Object
			switch strings.ToLower(t.Name.Local) {
			case "node":
				node := &posm.Node{}
				err, o = x.d.DecodeElement(&node, &t), node
			case "way":
				way := &posm.Way{}
				err, o = x.d.DecodeElement(&way, &t), way
			case "relation":
				rel := &posm.Relation{}
				err, o = x.d.DecodeElement(&rel, &t), rel
			default: // osm, bounds, changesets, notes, osmChange's actions
				if x.depth++; x.depth > maxXMLDepth {
					line, _ := x.d.InputPos()
					x.bad = invalidf(x.name, "XML elements nested more than %d deep at line %d: this is not OpenStreetMap XML", maxXMLDepth, line)
					return nil, false
				}
				continue
			}
			if err != nil {
				x.rerr = err
				return nil, false
			}
			return o, true
		}
	}
}

// headerBounds reads up to the first object and returns the <bounds> the
// file declares before it, or nil.
func (x *xmlScanner) headerBounds() *posm.Bounds {
	x.in.next()
	for depth := 0; depth <= maxXMLDepth; {
		if x.ctx.Err() != nil {
			return nil
		}
		t, err := x.d.Token()
		if err != nil {
			return nil
		}
		switch t := t.(type) {
		case xml.EndElement:
			depth--
		case xml.StartElement:
			switch strings.ToLower(t.Name.Local) {
			case "bounds":
				b := &posm.Bounds{}
				if x.d.DecodeElement(b, &t) != nil {
					return nil
				}
				return b
			case "node", "way", "relation":
				return nil
			}
			depth++
		}
	}
	return nil
}

func (x *xmlScanner) scan() bool {
	for {
		o, ok := x.next()
		if !ok {
			return false
		}
		var typ string
		var id int64
		var tagged bool
		switch o := o.(type) {
		case *posm.Node:
			typ, id, tagged = Node, int64(o.ID), len(o.Tags) > 0
		case *posm.Way:
			typ, id, tagged = Way, int64(o.ID), len(o.Tags) > 0
		case *posm.Relation:
			typ, id, tagged = Relation, int64(o.ID), len(o.Tags) > 0
		}
		x.n.add(typ)
		if !x.f.want(typ, id, tagged) {
			continue
		}
		fromOSM(o, &x.e)
		if err := checkElement(&x.e); err != nil {
			x.bad = invalidf(x.name, "%s: %v", ref(typ, id), err)
			return false
		}
		return true
	}
}

func (x *xmlScanner) element() *element { return &x.e }
func (x *xmlScanner) close()            {}
func (x *xmlScanner) err() error {
	if x.bad != nil {
		return x.bad
	}
	return x.rerr
}

// checkXMLRoot refuses XML whose root element is not <osm>: osmxml would
// read a GPX or KML file as an OSM file with no objects in it.
func checkXMLRoot(name string, head []byte, in *bufio.Reader) error {
	if len(head) < 4096 {
		head, _ = in.Peek(4096)
	}
	d := xml.NewDecoder(bytes.NewReader(head))
	for {
		t, err := d.RawToken()
		if err != nil {
			return nil // not in the first 4 kB, or malformed: the scanner will say
		}
		if se, ok := t.(xml.StartElement); ok {
			if se.Name.Local != "osm" {
				return invalidf(name, "the XML root element is <%s>, not <osm>: this is not OpenStreetMap XML", se.Name.Local)
			}
			return nil
		}
	}
}

// fromOSM fills e from a paulmach/osm object, reusing e's slices. It
// reports false for objects other than nodes, ways and relations.
func fromOSM(o posm.Object, e *element) bool {
	refs, pts, members := e.refs[:0], e.pts[:0], e.members[:0]
	*e = element{}
	switch o := o.(type) {
	case *posm.Node:
		e.typ, e.id, e.version, e.ts, e.tags = Node, int64(o.ID), o.Version, o.Timestamp, o.Tags
		e.pt, e.hasPt = orb.Point{o.Lon, o.Lat}, true
	case *posm.Way:
		e.typ, e.id, e.version, e.ts, e.tags = Way, int64(o.ID), o.Version, o.Timestamp, o.Tags
		located := len(o.Nodes) > 0
		for _, wn := range o.Nodes {
			refs = append(refs, int64(wn.ID))
			if wn.Lat == 0 && wn.Lon == 0 {
				located = false
			}
		}
		e.refs = refs
		if located { // XML from Overpass out geom, or PBF with locations on ways
			for _, wn := range o.Nodes {
				pts = append(pts, orb.Point{wn.Lon, wn.Lat})
			}
			e.pts = pts
		}
	case *posm.Relation:
		e.typ, e.id, e.version, e.ts, e.tags = Relation, int64(o.ID), o.Version, o.Timestamp, o.Tags
		for _, m := range o.Members {
			mm := member{typ: string(m.Type), ref: m.Ref, role: m.Role}
			if len(m.Nodes) > 0 {
				mm.pts = make([]orb.Point, 0, len(m.Nodes))
				for _, wn := range m.Nodes {
					if wn.Lat == 0 && wn.Lon == 0 {
						mm.pts = nil
						break
					}
					mm.pts = append(mm.pts, orb.Point{wn.Lon, wn.Lat})
				}
			}
			members = append(members, mm)
		}
		e.members = members
	default:
		return false
	}
	return true
}

// checkElement refuses coordinates that are not longitude/latitude, which
// only a hand-made or corrupt file holds.
func checkElement(e *element) error {
	if e.typ == Node && e.hasPt {
		if err := checkPoint(e.pt); err != nil {
			return err
		}
	}
	for _, p := range e.pts {
		if err := checkPoint(p); err != nil {
			return err
		}
	}
	for _, m := range e.members {
		for _, p := range m.pts {
			if err := checkPoint(p); err != nil {
				return err
			}
		}
	}
	if e.center != nil {
		return checkPoint(*e.center)
	}
	return nil
}

func checkPoint(p orb.Point) error {
	lon, lat := p[0], p[1]
	switch {
	case math.IsNaN(lon) || math.IsNaN(lat) || math.IsInf(lon, 0) || math.IsInf(lat, 0):
		return fmt.Errorf("a coordinate is not a number")
	case lat < -90 || lat > 90:
		return fmt.Errorf("latitude %g is outside -90..90", lat)
	case lon < -180 || lon > 180:
		return fmt.Errorf("longitude %g is outside -180..180", lon)
	}
	return nil
}
