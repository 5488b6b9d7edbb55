package basemap

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/placemap/placemap/internal/store"
)

// MergeDistance is how close, in metres, two ways of one name and group
// must come (their bounding boxes) to be one stretch of street.
const MergeDistance = 200.0

// Namer gathers the named streets and places of an import into the rows
// of basemap_names: one per street name per stretch of town, one per
// named place node.
type Namer struct {
	streets map[streetKey][]segment
	places  []store.BasemapName
}

type streetKey struct{ name, group string }

type segment struct {
	road, ref string
	mid       orb.Point
	bbox      orb.Bound
	length    float64
}

// NewNamer returns an empty Namer.
func NewNamer() *Namer { return &Namer{streets: map[streetKey][]segment{}} }

// Street notes a named way of the roads or paths layer. Roads and paths
// are merged apart: a footpath named after the street beside it is a
// stretch of its own.
func (n *Namer) Street(k Kind, name, ref string, line orb.LineString) {
	if name == "" || len(line) < 2 {
		return
	}
	n.streets[streetKey{name, k.Layer}] = append(n.streets[streetKey{name, k.Layer}], segment{
		road: k.Road, ref: ref, mid: midpoint(line), bbox: line.Bound(), length: planar.Length(line)})
}

// Place notes a named place node.
func (n *Namer) Place(k Kind, name string, p orb.Point) {
	n.places = append(n.places, store.BasemapName{Kind: "place", Class: k.Class, Name: name, Point: p, BBox: p.Bound()})
}

// Streets is how many named streets the Namer holds, before merging.
func (n *Namer) Streets() int {
	c := 0
	for _, s := range n.streets {
		c += len(s)
	}
	return c
}

// Names returns the rows: streets (ways of one name and group whose boxes
// come within MergeDistance merged), then places, each by name.
func (n *Namer) Names() []store.BasemapName {
	keys := make([]streetKey, 0, len(n.streets))
	for k := range n.streets {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].name < keys[j].name || keys[i].name == keys[j].name && keys[i].group < keys[j].group
	})
	var out []store.BasemapName
	for _, k := range keys {
		for _, c := range stretches(n.streets[k]) {
			out = append(out, streetRow(k.name, c))
		}
	}
	places := append([]store.BasemapName(nil), n.places...)
	sort.SliceStable(places, func(i, j int) bool { return places[i].Name < places[j].Name })
	return append(out, places...)
}

// stretches groups segments whose boxes, widened by MergeDistance, meet.
func stretches(segs []segment) [][]segment {
	sort.Slice(segs, func(i, j int) bool { return segs[i].bbox.Min[0] < segs[j].bbox.Min[0] })
	parent := make([]int, len(segs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i := range segs {
		dy := MergeDistance / 111320
		dx := dy / math.Max(0.01, math.Cos(segs[i].bbox.Min[1]*math.Pi/180))
		wide := segs[i].bbox.Pad(dx)
		wide.Min[1], wide.Max[1] = segs[i].bbox.Min[1]-dy, segs[i].bbox.Max[1]+dy
		for j := i + 1; j < len(segs) && segs[j].bbox.Min[0] <= wide.Max[0]; j++ {
			if wide.Intersects(segs[j].bbox) {
				parent[find(j)] = find(i)
			}
		}
	}
	groups := map[int][]segment{}
	var order []int
	for i := range segs {
		r := find(i)
		if _, ok := groups[r]; !ok {
			order = append(order, r)
		}
		groups[r] = append(groups[r], segs[i])
	}
	out := make([][]segment, 0, len(order))
	for _, r := range order {
		out = append(out, groups[r])
	}
	return out
}

// streetRow is one stretch's row: the class and ref of its longest way,
// the box of all, and the middle of the way whose middle is nearest the
// box's centre.
func streetRow(name string, segs []segment) store.BasemapName {
	longest, bbox := segs[0], segs[0].bbox
	for _, s := range segs[1:] {
		bbox = bbox.Union(s.bbox)
		if s.length > longest.length {
			longest = s
		}
	}
	ref := longest.ref
	for _, s := range segs {
		if ref == "" {
			ref = s.ref
		}
	}
	c := bbox.Center()
	pt := segs[0].mid
	for _, s := range segs[1:] {
		if planar.DistanceSquared(s.mid, c) < planar.DistanceSquared(pt, c) {
			pt = s.mid
		}
	}
	return store.BasemapName{Kind: "street", Class: longest.road, Name: name, Ref: ref, Point: pt, BBox: bbox}
}

// midpoint is the point half-way along a line.
func midpoint(l orb.LineString) orb.Point {
	half := planar.Length(l) / 2
	for i := 1; i < len(l); i++ {
		d := planar.Distance(l[i-1], l[i])
		if d >= half && d > 0 {
			t := half / d
			return orb.Point{l[i-1][0] + t*(l[i][0]-l[i-1][0]), l[i-1][1] + t*(l[i][1]-l[i-1][1])}
		}
		half -= d
	}
	return l[len(l)/2]
}
