package geo

import (
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
