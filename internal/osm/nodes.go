package osm

import (
	"slices"

	"github.com/paulmach/orb"
)

// nodeStore holds the positions of the nodes a pass looks for, in sorted
// arrays rather than maps: 24 bytes a node (its id and position) and a
// bit for whether the file gave it, against about 90 for a set of the
// ids wanted and a map of the positions found.
type nodeStore struct {
	ids   []int64 // sorted, no repeats
	pts   []orb.Point
	found []uint64 // bit i: pts[i] is set
}

// newNodeStore is a store for the ids given, which it sorts and
// deduplicates in place (the caller gives up the slice).
func newNodeStore(ids []int64) *nodeStore {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if cap(ids) > 2*len(ids) { // the repeats were most of it: give the rest back
		ids = slices.Clone(ids)
	}
	return &nodeStore{ids: ids, pts: make([]orb.Point, len(ids)), found: make([]uint64, (len(ids)+63)/64)}
}

func (s *nodeStore) index(id int64) (int, bool) {
	if s == nil {
		return 0, false
	}
	return slices.BinarySearch(s.ids, id)
}

// wants reports whether id is one of the store's (a pass filter).
func (s *nodeStore) wants(id int64, _ bool) bool {
	_, ok := s.index(id)
	return ok
}

// set records id's position, if id is one of the store's.
func (s *nodeStore) set(id int64, p orb.Point) {
	if i, ok := s.index(id); ok {
		s.pts[i] = p
		s.found[i/64] |= 1 << (i % 64)
	}
}

// get is id's position, if the file gave it.
func (s *nodeStore) get(id int64) (orb.Point, bool) {
	i, ok := s.index(id)
	if !ok || s.found[i/64]&(1<<(i%64)) == 0 {
		return orb.Point{}, false
	}
	return s.pts[i], true
}
