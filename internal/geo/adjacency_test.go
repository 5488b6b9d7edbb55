package geo

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// box returns a square of side s degrees at (x, y) with extra vertices on
// its edges where given (to make boundaries that share no vertex).
func box(x, y, s float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}}}
}

func TestEdgeAdjacency(t *testing.T) {
	const s = 0.001 // about 70 m by 110 m at Sheffield
	x, y := -1.47, 53.38
	// b's left edge is a's right edge drawn with a different vertex in the
	// middle, 0.1 m off the line: no shared segment, but a shared edge.
	bent := orb.MultiPolygon{{{{x + s, y}, {x + 2*s, y}, {x + 2*s, y + s}, {x + s, y + s}, {x + s + 1.5e-6, y + s/2}, {x + s, y}}}}
	tests := []struct {
		name      string
		mps       []orb.MultiPolygon
		want      [][]int32
		shared    int
		tolerance int
	}{
		{"grid of four: rook not queen", []orb.MultiPolygon{box(x, y, s), box(x+s, y, s), box(x, y+s, s), box(x+s, y+s, s)},
			[][]int32{{1, 2}, {0, 3}, {0, 3}, {1, 2}}, 4, 0},
		{"corner only", []orb.MultiPolygon{box(x, y, s), box(x+s, y+s, s)}, [][]int32{{}, {}}, 0, 0},
		{"apart", []orb.MultiPolygon{box(x, y, s), box(x+2*s, y, s)}, [][]int32{{}, {}}, 0, 0},
		{"different vertices", []orb.MultiPolygon{box(x, y, s), bent}, [][]int32{{1}, {0}}, 0, 1},
		{"gap of 2 m is not an edge", []orb.MultiPolygon{box(x, y, s), box(x+s+3e-5, y, s)}, [][]int32{{}, {}}, 0, 0},
		{"part of an edge", []orb.MultiPolygon{box(x, y, s), box(x+s, y+s/2, s)}, [][]int32{{1}, {0}}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, stats := EdgeAdjacency(tt.mps, AdjacencyOptions{})
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("adjacency %v, want %v", got, tt.want)
			}
			if stats.SharedSegment != tt.shared || stats.Tolerance != tt.tolerance {
				t.Errorf("stats %+v, want %d shared, %d by tolerance", stats, tt.shared, tt.tolerance)
			}
		})
	}
}

// TestEdgeAdjacencyOA measures both methods on Sheffield's 1,817 output
// areas: ONS cut them from one topology, so nearly every edge is a shared
// segment, and the tolerance method finds what the vertices miss.
func TestEdgeAdjacencyOA(t *testing.T) {
	fc := readFC(t, oaFile)
	mps := make([]orb.MultiPolygon, len(fc.Features))
	for i, f := range fc.Features {
		mp, err := ToMultiPolygon(f.Geometry)
		if err != nil {
			t.Fatal(err)
		}
		mps[i] = mp
	}
	start := time.Now()
	adj, stats := EdgeAdjacency(mps, AdjacencyOptions{})
	took := time.Since(start)
	pairs, isolated := 0, 0
	for i, ns := range adj {
		pairs += len(ns)
		if len(ns) == 0 {
			isolated++
		}
		for _, j := range ns {
			if !contains(adj[j], int32(i)) {
				t.Fatalf("adjacency not symmetric: %d → %d", i, j)
			}
		}
	}
	pairs /= 2
	t.Logf("%d OAs: %d neighbour pairs (%d shared segments, %d more by 0.5 m tolerance), %d candidate pairs, %d not neighbours (apart or meeting at points); %d isolated; %s",
		len(mps), pairs, stats.SharedSegment, stats.Tolerance, stats.Candidates, stats.NotNeighbours, isolated, took)
	if len(mps) != 1817 || isolated != 0 {
		t.Errorf("%d OAs, %d with no neighbour; want 1817 and none", len(mps), isolated)
	}
	if stats.SharedSegment < pairs*9/10 {
		t.Errorf("only %d of %d pairs share a segment", stats.SharedSegment, pairs)
	}
}

func contains(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestIntersectNear: cutting the large shape to the small one's box first
// gives the intersection Intersect gives, including where the small shape
// sits in a hole of the large one (the cut of the hole is the whole box)
// and where the cut would leave spurs.
func TestIntersectNear(t *testing.T) {
	// A large ring of many vertices: a circle of 2,000 points.
	circle := func(cx, cy, r float64) orb.Ring {
		var ring orb.Ring
		for i := range 2000 {
			a := 2 * math.Pi * float64(i) / 2000
			ring = append(ring, orb.Point{cx + r*math.Cos(a), cy + r*math.Sin(a)})
		}
		return append(ring, ring[0])
	}
	big := orb.MultiPolygon{{circle(-1.47, 53.38, 0.05), reversed(circle(-1.47, 53.38, 0.01))}}
	bigShape, err := NewShape(big)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		small orb.MultiPolygon
	}{
		{"inside the hole", box(-1.472, 53.378, 0.002)},
		{"across the hole's edge", box(-1.462, 53.379, 0.004)},
		{"across the outer edge", box(-1.422, 53.379, 0.004)},
		{"wholly inside", box(-1.44, 53.38, 0.002)},
		{"outside", box(-1.3, 53.38, 0.002)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewShape(tt.small)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Intersect(s, bigShape)
			if err != nil {
				t.Fatal(err)
			}
			for _, order := range [][2]Shape{{s, bigShape}, {bigShape, s}} {
				got, err := IntersectNear(order[0], order[1])
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(got.Area-want.Area) > 1e-6*max(1, want.Area) {
					t.Errorf("IntersectNear %.3f m², Intersect %.3f m²", got.Area, want.Area)
				}
			}
		})
	}
}
