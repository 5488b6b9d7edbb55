package osm

import (
	"compress/bzip2"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
)

// Read reads an OpenStreetMap file, PBF, XML (also .bz2 and .gz) or
// Overpass JSON, told apart by its first bytes rather than its name, and calls
// fn with every object whose tags opts.Keep accepts (Civic when nil),
// geometry built. name is used only in messages.
//
// Memory grows with what is kept, not with the file: no pass holds every
// node. Pass 1 reads the whole file, calls fn for the kept nodes at once
// and notes the node ids of kept ways and the member ways of kept
// multipolygon and boundary relations. Only if it kept ways or relations
// without geometry in the file (Overpass out geom and out center give it)
// does pass 2 read the file again for those nodes' positions and those
// member ways' node lists, and pass 3 (nodes only) for the nodes of member
// ways, which in a sorted file come before the ways that pass 2 learns
// about. fn is then called for the kept ways, then the kept relations, in
// file order. A kept object whose geometry cannot be built is passed with
// a nil Geometry and listed in Stats.Incomplete. What is held between
// passes is the kept objects' tags, the node lists of kept and member
// ways, and the positions of their nodes.
//
// Overpass XML from out center is read without its centres (the XML
// reader drops them): ask Overpass for JSON.
//
// Errors about the file are EINVALID, start with name and say how far
// reading got; the Source's own errors (the file cannot be opened or
// read) and ctx's are returned wrapped; fn's error stops reading and is
// returned as it is. Stats tells what was read up to the error.
func Read(ctx context.Context, open Source, name string, opts Options, fn func(Object) error) (Stats, error) {
	r := &reader{ctx: ctx, open: open, name: name, opts: opts, fn: fn, keep: opts.Keep}
	if r.keep == nil {
		r.keep = Civic
	}
	err := r.run()
	return r.stats, err
}

type reader struct {
	ctx    context.Context
	open   Source
	name   string
	opts   Options
	fn     func(Object) error
	keep   func(map[string]string) bool
	stats  Stats
	format Format
	held   int64 // the cost of what is kept, in bytes (hold)

	// What pass 1 kept and passes 2 and 3 complete.
	ways []pendingWay
	rels []pendingRel

	needNodes *nodeStore            // nodes to locate in the pass under way
	needWays  map[int64]struct{}    // member ways to find in pass 2
	located   []*nodeStore          // the nodes of passes 2 and 3, found or not
	wayRefs   map[int64][]int64     // node lists of kept and member ways
	wayPts    map[int64][]orb.Point // member ways whose positions the file gave
}

type pendingWay struct {
	obj  Object
	refs []int64
}

type pendingRel struct {
	obj     Object
	members []wayMember
	// site: a relation that is not an area (type=site and the like) is
	// placed at a point among its members: member nodes and the nodes of
	// member ways.
	site  bool
	nodes []int64
}

type wayMember struct {
	id    int64
	inner bool
}

func tagged(_ int64, tagged bool) bool { return tagged }

func inSet(set map[int64]struct{}) func(int64, bool) bool {
	return func(id int64, _ bool) bool { _, ok := set[id]; return ok }
}

func (r *reader) run() error {
	if err := r.pass(1, filter{node: tagged, way: tagged, relation: tagged, keep: r.keep}, r.first); err != nil {
		return err
	}
	if len(r.ways) == 0 && len(r.rels) == 0 {
		return nil
	}

	r.wayRefs = map[int64][]int64{}
	r.wayPts = map[int64][]orb.Point{}
	r.needWays = map[int64]struct{}{}
	var ids []int64
	for _, w := range r.ways {
		r.wayRefs[w.obj.ID] = w.refs
		ids = append(ids, w.refs...)
	}
	for _, rel := range r.rels {
		for _, m := range rel.members {
			if _, ok := r.wayRefs[m.id]; !ok {
				r.needWays[m.id] = struct{}{}
			}
		}
		ids = append(ids, rel.nodes...)
	}
	r.needNodes = newNodeStore(ids)
	r.located = []*nodeStore{r.needNodes}
	var f filter
	if len(r.needNodes.ids) > 0 {
		f.node = r.needNodes.wants
	}
	if len(r.needWays) > 0 {
		f.way = inSet(r.needWays)
	}
	if f.node != nil || f.way != nil { // else every kept way has no nodes
		if err := r.pass(2, f, r.second); err != nil {
			return err
		}
	}

	// The member ways' nodes not yet found: in a sorted file, all of them.
	var need []int64
	for id := range r.needWays {
		for _, n := range r.wayRefs[id] {
			if _, ok := r.node(n); !ok {
				need = append(need, n)
			}
		}
	}
	r.needNodes, r.needWays = newNodeStore(need), nil
	if len(r.needNodes.ids) > 0 {
		r.located = append(r.located, r.needNodes)
		if err := r.pass(3, filter{node: r.needNodes.wants}, r.second); err != nil {
			return err
		}
	}
	r.needNodes = nil
	return r.build()
}

// pass reads the file once, calling handle for the elements f wants.
func (r *reader) pass(n int, f filter, handle func(*element) error) error {
	rc, err := r.open()
	if err != nil {
		return fmt.Errorf("open %s: %w", r.name, err)
	}
	defer rc.Close()
	cr := &countingReader{r: rc}
	total := sizeOf(rc)
	var cnt counts
	lim := newLimits(r.name, r.opts.MaxDecompressed)
	sc, format, err := openScanner(r.ctx, cr, r.name, f, &cnt, lim)
	if err != nil {
		return r.scanError(err, cr, lim, 0, total)
	}
	defer sc.close()
	if r.format == "" {
		r.format = format
	} else if format != r.format {
		return invalidf(r.name, "the file changed between passes: it was %s, now %s", r.format, format)
	}

	report := func() {
		if r.opts.Progress != nil {
			r.opts.Progress(Progress{Pass: n, Bytes: cr.n.Load(), Total: total, Objects: cnt.total()})
		}
	}
	next := int64(1 << 16)
	r.stats.Passes = n
	if n == 1 { // what pass 1 read, also when it stops early
		defer func() {
			r.stats.Nodes, r.stats.Ways, r.stats.Relations = cnt.nodes.Load(), cnt.ways.Load(), cnt.relations.Load()
			r.stats.Bytes = cr.n.Load()
		}()
	}
	for sc.scan() {
		if err := lim.err(); err != nil {
			// The PBF decoder reads ahead: stop at a broken bound even
			// while blocks before it still give objects.
			return err
		}
		if err := handle(sc.element()); err != nil {
			return err
		}
		if r.opts.Progress != nil && cnt.total() >= next {
			report()
			next = cnt.total() + 1<<16
		}
	}
	if err := r.ctx.Err(); err != nil {
		return fmt.Errorf("read %s: %w", r.name, err)
	}
	if err := r.scanError(sc.err(), cr, lim, cnt.total(), total); err != nil {
		return err
	}
	report()
	return nil
}

func sizeOf(rc io.ReadCloser) int64 {
	switch v := rc.(type) {
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	case interface{ Size() int64 }:
		return v.Size()
	}
	return 0
}

// scanError turns a scanner's error into one that says what is wrong with
// the file and how far reading got.
func (r *reader) scanError(err error, cr *countingReader, lim *limits, objects, total int64) error {
	if err == nil {
		return nil
	}
	if lerr := lim.err(); lerr != nil {
		return lerr // what the parser made of the bounded reader's error does not matter
	}
	var pe *place.Error
	if errors.As(err, &pe) {
		return err
	}
	if ioErr := cr.readErr(); ioErr != nil && errors.Is(err, ioErr) {
		return fmt.Errorf("read %s: %w", r.name, err)
	}
	where := fmt.Sprintf("after %s, %d bytes read", plural(objects, "object"), cr.n.Load())
	if total > 0 {
		where = fmt.Sprintf("after %s, %d of %d bytes read", plural(objects, "object"), cr.n.Load(), total)
	}
	var bz bzip2.StructuralError
	var fl flate.CorruptInputError
	var se *xml.SyntaxError
	truncated := errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
	switch {
	case errors.As(err, &bz):
		return invalidf(r.name, "corrupt bzip2 data (%s): %v", where, err)
	case errors.As(err, &fl), errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader):
		return invalidf(r.name, "corrupt gzip data (%s): %v", where, err)
	case errors.As(err, &se) && se.Msg == "unexpected EOF":
		return invalidf(r.name, "the XML ends early, at line %d (%s): the file looks truncated", se.Line, where)
	case errors.As(err, &se):
		return invalidf(r.name, "malformed OSM XML at line %d (%s): %s", se.Line, where, se.Msg)
	case truncated && r.format == PBF:
		return invalidf(r.name, "the PBF file ends inside a block (%s): it looks truncated", where)
	case truncated:
		return invalidf(r.name, "the file ends early (%s): it looks truncated", where)
	case r.format == PBF:
		return invalidf(r.name, "not a valid OSM PBF file (%s): %v", where, err)
	case r.format == XML:
		return invalidf(r.name, "malformed OSM XML (%s): %v", where, err)
	}
	return invalidf(r.name, "%v (%s)", err, where)
}

// first handles pass 1: it emits kept nodes and objects whose geometry the
// file gives, and keeps the rest for later passes.
func (r *reader) first(e *element) error {
	if !e.tagged() {
		return nil
	}
	tags := e.tagsMap()
	if !r.keep(tags) {
		return nil
	}
	if r.opts.Trim != nil {
		tags = r.opts.Trim(tags)
	}
	if err := r.hold(1, len(tags)+len(e.refs)+len(e.members)+len(e.pts)); err != nil {
		return err
	}
	o := Object{Type: e.typ, ID: e.id, Version: e.version, Timestamp: e.ts, Tags: tags}
	switch e.typ {
	case Node:
		if !e.hasPt {
			r.incomplete(&o, nil, "the file gives no position")
			return r.emit(o)
		}
		o.Geometry, o.Center = e.pt, e.pt
		return r.emit(o)
	case Way:
		switch {
		case e.pts != nil:
			r.wayObject(&o, e.refs, e.pts)
			return r.emit(o)
		case e.center != nil:
			o.Geometry, o.Center = *e.center, *e.center
			return r.emit(o)
		}
		r.ways = append(r.ways, pendingWay{obj: o, refs: slices.Clone(e.refs)})
	case Relation:
		if t := tags["type"]; t != "multipolygon" && t != "boundary" {
			if e.center != nil {
				o.Geometry, o.Center = *e.center, *e.center
				return r.emit(o)
			}
			return r.site(o, e)
		}
		var members []wayMember
		var outer, inner [][]orb.Point
		located := true
		for _, m := range e.members {
			if m.typ != Way || (m.role != "outer" && m.role != "inner" && m.role != "") {
				continue // label and admin_centre nodes, subarea relations
			}
			members = append(members, wayMember{id: m.ref, inner: m.role == "inner"})
			switch {
			case m.pts == nil:
				located = false
			case m.role == "inner":
				inner = append(inner, m.pts)
			default:
				outer = append(outer, m.pts)
			}
		}
		switch {
		case located && len(members) > 0:
			r.relationObject(&o, outer, inner, nil)
			return r.emit(o)
		case e.center != nil:
			o.Geometry, o.Center = *e.center, *e.center
			return r.emit(o)
		case len(members) == 0:
			r.incomplete(&o, nil, "the relation has no outer or inner ways")
			return r.emit(o)
		}
		r.rels = append(r.rels, pendingRel{obj: o, members: members})
	}
	return nil
}

// site keeps a relation that is not an area (a school or hospital site
// of several buildings, type=site) to be placed at a point among its
// members once they are found; one with no node or way members is
// skipped.
// hold counts what the reading keeps in memory until it ends (objects,
// and their tags, node references, members and positions) and refuses the
// file once its cost passes maxKept: a file small enough to read can still
// hold more than memory allows.
func (r *reader) hold(objects, items int) error {
	r.held += int64(objects)*keptObjectCost + int64(items)*keptItemCost
	if max := maxKept(r.opts.MaxDecompressed); r.held > max {
		return place.Errorf(place.ETOOLARGE, "%s: it holds more objects of the kinds kept than a file within --max-decompressed-mb (%s) may: about %s once read, past half the limit; refused (raise --max-decompressed-mb for a larger extract)",
			r.name, mibString(orDefault(r.opts.MaxDecompressed)), fmt.Sprintf("%d MiB", r.held>>20))
	}
	return nil
}

func (r *reader) site(o Object, e *element) error {
	rel := pendingRel{obj: o, site: true}
	var known []orb.Point
	located := true
	for _, m := range e.members {
		switch m.typ {
		case Node:
			rel.nodes = append(rel.nodes, m.ref)
			located = false
		case Way:
			rel.members = append(rel.members, wayMember{id: m.ref})
			if m.pts == nil {
				located = false
			}
			known = append(known, m.pts...)
		}
	}
	switch {
	case !r.opts.Sites || (len(rel.nodes) == 0 && len(rel.members) == 0):
		r.stats.Skipped = append(r.stats.Skipped, o.Ref())
		return nil
	case located: // Overpass out geom gave every member way's nodes
		r.siteObject(&o, known)
		return r.emit(o)
	}
	r.rels = append(r.rels, rel)
	return nil
}

// siteObject places a site at a point among its members' positions.
func (r *reader) siteObject(o *Object, pts []orb.Point) {
	p := center(orb.MultiPoint(pts))
	o.Geometry, o.Center = p, p
}

// second handles passes 2 and 3: positions of the nodes wanted, node lists
// of the member ways wanted.
func (r *reader) second(e *element) error {
	switch e.typ {
	case Node:
		if e.hasPt {
			r.needNodes.set(e.id, e.pt)
		}
	case Way: // a member way of a kept relation: its nodes are kept too
		if err := r.hold(0, len(e.refs)+len(e.pts)); err != nil {
			return err
		}
		if e.pts != nil {
			r.wayPts[e.id] = slices.Clone(e.pts)
			return nil
		}
		r.wayRefs[e.id] = slices.Clone(e.refs)
	}
	return nil
}

// build emits the kept ways and relations once their nodes are found.
// Each kept object is let go once emitted: what fn keeps of it aside,
// the memory held shrinks as the objects stream out.
func (r *reader) build() error {
	for i, w := range r.ways {
		r.ways[i] = pendingWay{}
		o := w.obj
		pts, missing := r.locate(w.refs)
		switch {
		case len(w.refs) == 0:
			r.incomplete(&o, nil, "the way has no nodes")
		case missing > 0:
			r.incomplete(&o, pts, fmt.Sprintf("%d of its %d nodes are not in the file", missing, len(w.refs)))
		default:
			r.wayObject(&o, w.refs, pts)
		}
		if err := r.emit(o); err != nil {
			return err
		}
	}
	r.ways = nil
	for i, rel := range r.rels {
		r.rels[i] = pendingRel{}
		o := rel.obj
		if rel.site {
			r.buildSite(&o, rel)
			if err := r.emit(o); err != nil {
				return err
			}
			continue
		}
		var outer, inner [][]orb.Point
		var known []orb.Point
		missingWays, missingNodes := 0, 0
		for _, m := range rel.members {
			pts, ok := r.wayPts[m.id]
			if !ok {
				refs, found := r.wayRefs[m.id]
				if !found {
					missingWays++
					continue
				}
				var missing int
				pts, missing = r.locate(refs)
				if missing > 0 {
					missingNodes += missing
					known = append(known, pts...)
					continue
				}
			}
			known = append(known, pts...)
			if m.inner {
				inner = append(inner, pts)
			} else {
				outer = append(outer, pts)
			}
		}
		switch {
		case missingWays > 0:
			r.incomplete(&o, known, fmt.Sprintf("%d of its %d member ways are not in the file", missingWays, len(rel.members)))
		case missingNodes > 0:
			r.incomplete(&o, known, fmt.Sprintf("%d nodes of its member ways are not in the file", missingNodes))
		default:
			r.relationObject(&o, outer, inner, known)
		}
		if err := r.emit(o); err != nil {
			return err
		}
	}
	r.rels = nil
	return nil
}

// buildSite places a site relation at a point among the positions of its
// members found; a site none of whose members is in the file is
// incomplete. Members cut off by the extract's edge do not stop it: the
// point lies among those found.
func (r *reader) buildSite(o *Object, rel pendingRel) {
	pts, _ := r.locate(rel.nodes)
	for _, m := range rel.members {
		if wp, ok := r.wayPts[m.id]; ok {
			pts = append(pts, wp...)
			continue
		}
		if refs, ok := r.wayRefs[m.id]; ok {
			found, _ := r.locate(refs)
			pts = append(pts, found...)
		}
	}
	if len(pts) == 0 {
		r.incomplete(o, nil, "none of its members are in the file")
		return
	}
	r.siteObject(o, pts)
}

// node is the position of node id, if a pass found it.
func (r *reader) node(id int64) (orb.Point, bool) {
	for _, s := range r.located {
		if p, ok := s.get(id); ok {
			return p, true
		}
	}
	return orb.Point{}, false
}

// locate returns the positions of the nodes found, in order, and how many
// are missing.
func (r *reader) locate(refs []int64) ([]orb.Point, int) {
	pts := make([]orb.Point, 0, len(refs))
	missing := 0
	for _, id := range refs {
		if p, ok := r.node(id); ok {
			pts = append(pts, p)
		} else {
			missing++
		}
	}
	return pts, missing
}

// wayObject sets the geometry of a way whose nodes are all located: a
// polygon when closed (unless area=no), else a line.
func (r *reader) wayObject(o *Object, refs []int64, pts []orb.Point) {
	// A way is closed when it ends at the node it starts at. Positions
	// given in the file must agree.
	closed := len(pts) >= 4 && pts[0] == pts[len(pts)-1]
	if len(refs) == len(pts) && len(refs) > 0 {
		closed = closed && refs[0] == refs[len(refs)-1]
	}
	if r.opts.WayNodes {
		o.Nodes = slices.Clone(refs)
		o.Geometry = orb.LineString(slices.Clone(pts))
	} else if closed && o.Tags["area"] != "no" {
		ring := orb.Ring(slices.Clone(pts))
		orient(ring, orb.CCW)
		o.Geometry = orb.Polygon{ring}
	} else {
		o.Geometry = orb.LineString(slices.Clone(pts))
		r.stats.Lines = append(r.stats.Lines, o.Ref())
	}
	o.Center = center(o.Geometry)
}

// relationObject assembles a relation's rings, or marks it incomplete.
func (r *reader) relationObject(o *Object, outer, inner [][]orb.Point, known []orb.Point) {
	mp, err := Assemble(outer, inner)
	if err != nil {
		if known == nil {
			for _, w := range append(outer, inner...) {
				known = append(known, w...)
			}
		}
		r.incomplete(o, known, err.Error())
		return
	}
	o.Geometry, o.Center = mp, center(mp)
}

// incomplete marks an object whose geometry could not be built, giving it
// a centre among the positions known.
func (r *reader) incomplete(o *Object, known []orb.Point, why string) {
	o.Geometry = nil
	if len(known) > 0 {
		o.Center = center(orb.MultiPoint(known))
	}
	r.stats.Incomplete = append(r.stats.Incomplete, o.Ref())
	if r.stats.Problems == nil {
		r.stats.Problems = map[string]string{}
	}
	r.stats.Problems[o.Ref()] = why
}

// emit passes a kept object to fn unless it lies outside the bbox.
func (r *reader) emit(o Object) error {
	if b := r.opts.BBox; b != nil && !b.Contains(o.Center) {
		return nil
	}
	if p, ok := o.Geometry.(orb.Point); ok && p == (orb.Point{}) {
		// OSM XML leaves out lat and lon of a deleted node, and a
		// hand-made file may too: they read as (0, 0), Null Island.
		return invalidf(r.name, "%s: it has no position (lat and lon missing, or 0, 0)", o.Ref())
	}
	for k, v := range o.Tags {
		if err := place.CheckText("a tag's key", k); err != nil {
			return invalidf(r.name, "%s: %v", o.Ref(), err)
		}
		if err := place.CheckText("tag "+strconv.Quote(place.Excerpt(k)), v); err != nil {
			return invalidf(r.name, "%s: %v", o.Ref(), err)
		}
	}
	r.stats.Kept++
	return r.fn(o)
}
