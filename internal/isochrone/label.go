package isochrone

import "slices"

// run is a row's stretch of band cells, x0..x1 inclusive.
type run struct{ x0, x1 int32 }

// labels holds the runs of a band's cells row by row and their
// 8-connected components (diagonal neighbours join, as at the saddles of
// the tracing), found by union–find over runs rather than a label per
// cell, to keep memory to the band's outline.
type labels struct {
	runs   []run
	start  []int32 // runs of row y: runs[start[y]:start[y+1]]
	parent []int32
}

func (g *grid) label(thr uint8) *labels {
	l := &labels{start: make([]int32, g.rows+1)}
	for y := 0; y < g.rows; y++ {
		l.start[y] = int32(len(l.runs))
		row := g.level[y*g.cols : (y+1)*g.cols]
		for x := 0; x < g.cols; x++ {
			if row[x] < thr {
				continue
			}
			x0 := x
			for x+1 < g.cols && row[x+1] >= thr {
				x++
			}
			l.runs = append(l.runs, run{int32(x0), int32(x)})
		}
	}
	l.start[g.rows] = int32(len(l.runs))
	l.parent = make([]int32, len(l.runs))
	for i := range l.parent {
		l.parent[i] = int32(i)
	}
	for y := 1; y < g.rows; y++ {
		above, here := l.row(y-1), l.row(y)
		base, prev := l.start[y], l.start[y-1]
		i := 0
		for j, r := range here {
			for i < len(above) && above[i].x1 < r.x0-1 {
				i++
			}
			for k := i; k < len(above) && above[k].x0 <= r.x1+1; k++ {
				l.union(prev+int32(k), base+int32(j))
			}
		}
	}
	return l
}

func (l *labels) row(y int) []run { return l.runs[l.start[y]:l.start[y+1]] }

func (l *labels) find(i int32) int32 {
	for l.parent[i] != i {
		l.parent[i] = l.parent[l.parent[i]]
		i = l.parent[i]
	}
	return i
}

func (l *labels) union(a, b int32) {
	a, b = l.find(a), l.find(b)
	if a != b {
		l.parent[max(a, b)] = min(a, b)
	}
}

// comp is the component of band cell (x, y).
func (l *labels) comp(x, y int) int32 {
	rs := l.row(y)
	i, _ := slices.BinarySearchFunc(rs, int32(x), func(r run, x int32) int {
		if r.x1 < x {
			return -1
		}
		if r.x0 > x {
			return 1
		}
		return 0
	})
	return l.find(l.start[y] + int32(i))
}
