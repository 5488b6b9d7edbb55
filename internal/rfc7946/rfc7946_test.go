package rfc7946_test

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/rfc7946"
)

func TestOrient(t *testing.T) {
	ccw := orb.Ring{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}
	cw := orb.Ring{{1, 1}, {1, 2}, {2, 2}, {2, 1}, {1, 1}}
	rev := func(r orb.Ring) orb.Ring { c := orb.Clone(r).(orb.Ring); c.Reverse(); return c }
	flat := orb.Ring{{0, 0}, {1, 1}, {2, 2}, {0, 0}}
	for _, tc := range []struct {
		name string
		in   orb.Geometry
		want orb.Geometry
	}{
		{"right already", orb.Polygon{ccw, cw}, orb.Polygon{ccw, cw}},
		{"shell clockwise, hole anticlockwise", orb.Polygon{rev(ccw), rev(cw)}, orb.Polygon{ccw, cw}},
		{"only the hole wrong", orb.Polygon{ccw, rev(cw)}, orb.Polygon{ccw, cw}},
		{"multipolygon, second part wrong", orb.MultiPolygon{{ccw}, {rev(ccw)}}, orb.MultiPolygon{{ccw}, {ccw}}},
		{"zero-area ring left alone", orb.Polygon{flat}, orb.Polygon{flat}},
		{"empty polygon", orb.Polygon{}, orb.Polygon{}},
		{"point", orb.Point{1, 2}, orb.Point{1, 2}},
		{"collection", orb.Collection{orb.Polygon{rev(ccw)}, orb.Point{1, 2}}, orb.Collection{orb.Polygon{ccw}, orb.Point{1, 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := orb.Clone(tc.in)
			got := rfc7946.Orient(tc.in)
			if !orb.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if !orb.Equal(tc.in, before) {
				t.Errorf("input modified: %v, was %v", tc.in, before)
			}
		})
	}
}
