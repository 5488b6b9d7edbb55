package osm

import (
	"testing"

	"github.com/paulmach/orb"
)

// TestNodeStore: the store wants exactly the ids it was given (repeats
// and order aside), gives back what was set for them, and nothing for
// ids unset or not its own.
func TestNodeStore(t *testing.T) {
	s := newNodeStore([]int64{70, 5, -3, 70, 5, 64, 1 << 40})
	s.set(5, orb.Point{1, 2})
	s.set(1<<40, orb.Point{3, 4})
	s.set(6, orb.Point{9, 9}) // not wanted: ignored
	s.set(5, orb.Point{1, 2.5})
	for _, c := range []struct {
		id    int64
		wants bool
		found bool
		p     orb.Point
	}{
		{5, true, true, orb.Point{1, 2.5}},
		{1 << 40, true, true, orb.Point{3, 4}},
		{-3, true, false, orb.Point{}},
		{64, true, false, orb.Point{}},
		{70, true, false, orb.Point{}},
		{6, false, false, orb.Point{}},
		{0, false, false, orb.Point{}},
	} {
		if got := s.wants(c.id, false); got != c.wants {
			t.Errorf("wants(%d) = %v, want %v", c.id, got, c.wants)
		}
		if p, ok := s.get(c.id); ok != c.found || p != c.p {
			t.Errorf("get(%d) = %v, %v; want %v, %v", c.id, p, ok, c.p, c.found)
		}
	}
	if len(s.ids) != 5 {
		t.Errorf("%d ids, want 5: %v", len(s.ids), s.ids)
	}
	var empty *nodeStore
	if _, ok := empty.get(5); ok || empty.wants(5, true) {
		t.Error("a nil store has node 5")
	}
}
