package propose

// agreement measures partitions x (nx labels) and y (ny labels) of the
// blocks, each a label per block (-1 for none), by Measure.
func agreement(blocks []Block, x []int32, nx int, y []int32, ny int) (purity, inverse float64) {
	m := make([]float64, nx*ny)
	n := 0.0
	for i, b := range blocks {
		if x[i] < 0 || y[i] < 0 || int(x[i]) >= nx || int(y[i]) >= ny {
			continue
		}
		m[int(x[i])*ny+int(y[i])] += b.Pop
		n += b.Pop
	}
	if n <= 0 {
		return 0, 0
	}
	rows, cols := 0.0, 0.0
	for a := 0; a < nx; a++ {
		best := 0.0
		for c := 0; c < ny; c++ {
			best = max(best, m[a*ny+c])
		}
		rows += best
	}
	for c := 0; c < ny; c++ {
		best := 0.0
		for a := 0; a < nx; a++ {
			best = max(best, m[a*ny+c])
		}
		cols += best
	}
	return rows / n, cols / n
}

// fitLabels returns the blocks' labels in fit set k.
func fitLabels(p *Problem, k int) []int32 {
	out := make([]int32, len(p.Blocks))
	for i, b := range p.Blocks {
		out[i] = -1
		if k < len(b.Fit) {
			out[i] = b.Fit[k]
		}
	}
	return out
}

func nestLabels(p *Problem) []int32 {
	out := make([]int32, len(p.Blocks))
	for i, b := range p.Blocks {
		out[i] = b.Nest
	}
	return out
}

// objective is the weighted mean agreement of labels (n areas) with the
// fit sets, from scratch.
func objective(p *Problem, area []int32, n int) float64 {
	sum, wsum := 0.0, 0.0
	for k, f := range p.Fits {
		pu, in := agreement(p.Blocks, area, n, fitLabels(p, k), len(f.Codes))
		sum += f.Weight * (pu + in) / 2
		wsum += f.Weight
	}
	if wsum == 0 {
		return 0
	}
	return sum / wsum
}

// table is the contingency of the proposal with one fit set, kept up to
// date as blocks move, with each row's and column's maximum.
type table struct {
	ny             int
	m              [][]float64 // per area, per fit area
	rowMax, colMax []float64
	sumRow, sumCol float64
	n, w           float64
}

func newTable(p *Problem, k int, area []int32, na int) *table {
	f := p.Fits[k]
	t := &table{ny: len(f.Codes), w: f.Weight, m: make([][]float64, na), rowMax: make([]float64, na), colMax: make([]float64, len(f.Codes))}
	for a := range t.m {
		t.m[a] = make([]float64, t.ny)
	}
	for i, b := range p.Blocks {
		if y := b.Fit[k]; y >= 0 && area[i] >= 0 {
			t.m[area[i]][y] += b.Pop
			t.n += b.Pop
		}
	}
	for a := range t.m {
		t.fixRow(a)
	}
	for y := range t.colMax {
		t.fixCol(y)
	}
	return t
}

func (t *table) fixRow(a int) {
	best := 0.0
	for _, v := range t.m[a] {
		best = max(best, v)
	}
	t.sumRow += best - t.rowMax[a]
	t.rowMax[a] = best
}

func (t *table) fixCol(y int) {
	best := 0.0
	for a := range t.m {
		best = max(best, t.m[a][y])
	}
	t.sumCol += best - t.colMax[y]
	t.colMax[y] = best
}

// score is this fit set's agreement.
func (t *table) score() float64 {
	if t.n <= 0 {
		return 0
	}
	return (t.sumRow + t.sumCol) / (2 * t.n)
}

// delta is the change in (rows + cols) sums if pop p labelled y moved from
// area from to area to, without moving it.
func (t *table) delta(y int, p float64, from, to int) float64 {
	rf, rt := 0.0, 0.0
	for c, v := range t.m[from] {
		if c == y {
			v -= p
		}
		rf = max(rf, v)
	}
	for c, v := range t.m[to] {
		if c == y {
			v += p
		}
		rt = max(rt, v)
	}
	cy := 0.0
	for a := range t.m {
		v := t.m[a][y]
		switch a {
		case from:
			v -= p
		case to:
			v += p
		}
		cy = max(cy, v)
	}
	return rf - t.rowMax[from] + rt - t.rowMax[to] + cy - t.colMax[y]
}

func (t *table) move(y int, p float64, from, to int) {
	t.m[from][y] -= p
	t.m[to][y] += p
	t.fixRow(from)
	t.fixRow(to)
	t.fixCol(y)
}
