package propose

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
)

// grid builds a problem on a grid of cells (rook adjacency), one person per
// cell unless pops says otherwise. Each fit set and the nest set is drawn as
// rows of letters, one area per letter, '.' for none.
func grid(fits [][]string, weights []float64, nest []string) *Problem {
	h, w := len(fits[0]), len(fits[0][0])
	p := &Problem{BlockSet: "cells", Seed: 1}
	letters := func(rows []string) ([]int32, []string) {
		var codes []string
		labels := make([]int32, 0, w*h)
		for _, r := range rows {
			for _, c := range r {
				if c == '.' {
					labels = append(labels, -1)
					continue
				}
				k := slices.Index(codes, string(c))
				if k < 0 {
					k = len(codes)
					codes = append(codes, string(c))
				}
				labels = append(labels, int32(k))
			}
		}
		return labels, codes
	}
	var fitLabels [][]int32
	for k, rows := range fits {
		labels, codes := letters(rows)
		names := make([]string, len(codes))
		for i, c := range codes {
			names[i] = "Name " + c
		}
		p.Fits = append(p.Fits, FitSet{Slug: fmt.Sprintf("fit%d", k), Weight: weights[k], Codes: codes, Names: names})
		fitLabels = append(fitLabels, labels)
	}
	var nestL []int32
	if nest != nil {
		nestL, p.NestCodes = letters(nest)
		p.NestSet = "nest"
		for _, c := range p.NestCodes {
			p.NestNames = append(p.NestNames, "Ward "+c)
		}
	}
	for i := range w * h {
		b := Block{Code: fmt.Sprintf("B%02d", i), Pop: 1, Nest: -1, NestShare: 1}
		for k := range fits {
			b.Fit = append(b.Fit, fitLabels[k][i])
		}
		if nest != nil {
			b.Nest = nestL[i]
		}
		p.Blocks = append(p.Blocks, b)
		var adj []int32
		x, y := i%w, i/w
		if y > 0 {
			adj = append(adj, int32(i-w))
		}
		if x > 0 {
			adj = append(adj, int32(i-1))
		}
		if x < w-1 {
			adj = append(adj, int32(i+1))
		}
		if y < h-1 {
			adj = append(adj, int32(i+w))
		}
		p.Adj = append(p.Adj, adj)
	}
	return p
}

// partition draws a plan as rows of letters, areas lettered by first block.
func partition(plan *Plan, w int) []string {
	letter := map[int32]byte{}
	var rows []string
	var row []byte
	for _, a := range plan.Area {
		if _, ok := letter[a]; !ok {
			letter[a] = byte('a' + len(letter))
		}
		row = append(row, letter[a])
		if len(row) == w {
			rows = append(rows, string(row))
			row = nil
		}
	}
	return rows
}

func TestSolveKnownOptimum(t *testing.T) {
	tests := []struct {
		name     string
		fits     [][]string
		weights  []float64
		nest     []string
		min, max float64
		want     []string
		overall  float64
	}{
		{"best fit is optimal", [][]string{{"AABB", "AABB"}}, []float64{1}, nil, 0, 0, []string{"aabb", "aabb"}, 1},
		{"a heavier second fit set moves a block",
			[][]string{{"AAABBB"}, {"XXXXYY"}}, []float64{1, 3}, nil, 0, 0, []string{"aaaabb"}, (5.0/6 + 3) / 4},
		{"the band merges quadrants into the halves the second set wants",
			[][]string{{"AABB", "AABB", "CCDD", "CCDD"}, {"XXYY", "XXYY", "XXYY", "XXYY"}}, []float64{1, 1}, nil, 8, 8,
			[]string{"aabb", "aabb", "aabb", "aabb"}, (0.75 + 1) / 2},
		{"a disconnected fit area becomes two areas",
			[][]string{{"ABA"}}, []float64{1}, nil, 0, 0, []string{"abc"}, (1 + 2.0/3) / 2},
		{"the band splits an area too big",
			[][]string{{"AAAA", "AAAA"}}, []float64{1}, nil, 0, 4, []string{"aabb", "aabb"}, (1 + 0.5) / 2},
		{"nesting keeps areas inside wards",
			[][]string{{"AAAA", "AAAA"}}, []float64{1}, []string{"PPQQ", "PPQQ"}, 0, 0, []string{"aabb", "aabb"}, (1 + 0.5) / 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := grid(tt.fits, tt.weights, tt.nest)
			p.MinPop, p.MaxPop = tt.min, tt.max
			plan, r, err := Solve(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if got := partition(plan, len(tt.fits[0][0])); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("plan %v, want %v", got, tt.want)
			}
			if d := r.Overall - tt.overall; d > 1e-12 || d < -1e-12 {
				t.Errorf("overall %.6f, want %.6f", r.Overall, tt.overall)
			}
			if !r.Checks.OK() {
				t.Errorf("checks fail: %+v", r.Checks)
			}
		})
	}
}

// messy is a grid whose fit sets disagree and scatter, so the search has
// work to do.
func messy(seed uint64) *Problem {
	p := grid([][]string{
		{"AAABBBCC", "AABBBCCC", "DDABBECC", "DDDEEEEF", "GDDEEFFF", "GGGHHFFF"},
		{"XXXXYYYY", "XXXXYYYY", "XXZZZYYY", "WWZZZZYV", "WWWZZVVV", "WWWZZVVV"},
		{"PPPPQQQQ", "PPPPQQQQ", "PPPPQQQQ", "RRRRSSSS", "RRRRSSSS", "RRRRSSSS"},
	}, []float64{2, 1, 1}, []string{"MMMMNNNN", "MMMMNNNN", "MMMMNNNN", "MMMMNNNN", "OOOONNNN", "OOOONNNN"})
	for i := range p.Blocks {
		p.Blocks[i].Pop = float64(1 + (i*7)%5)
	}
	p.Seed = seed
	p.MinPop, p.MaxPop = 6, 30
	return p
}

func TestSolveKeepsEveryRule(t *testing.T) {
	for seed := range uint64(8) {
		p := messy(seed)
		plan, r, err := Solve(context.Background(), p)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if !r.Checks.OK() {
			t.Errorf("seed %d: checks fail: %+v", seed, r.Checks)
		}
		// Evaluate from scratch agrees with the search's report.
		again := Evaluate(p, plan)
		if again.Overall != r.Overall || !reflect.DeepEqual(again.Checks, r.Checks) {
			t.Errorf("seed %d: evaluate %.6f, solve %.6f", seed, again.Overall, r.Overall)
		}
		// Starting from the fit sets' best fit, the search never loses.
		start, n := initial(p)
		start, n = repair(p, start, n)
		if s := objective(p, start, n); r.Overall < s-1e-12 {
			t.Errorf("seed %d: overall %.4f below the start's %.4f", seed, r.Overall, s)
		}
		if seed == 0 {
			t.Logf("overall %.4f from %d areas, %d passes, %d moves", r.Overall, len(plan.Codes), r.Iterations, r.Moves)
		}
	}
}

func TestSolveIsDeterministic(t *testing.T) {
	var first []byte
	for run := range 3 {
		plan, r, err := Solve(context.Background(), messy(42))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(struct {
			P *Plan
			R *Report
		}{plan, r})
		if run == 0 {
			first = b
		} else if string(b) != string(first) {
			t.Fatalf("run %d differs from run 0", run)
		}
	}
}

func TestSolveRefuses(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(p *Problem)
		wants []string
	}{
		{"block over the maximum", func(p *Problem) { p.Blocks[3].Pop = 50 }, []string{"B03 (50)", "more than the maximum 30"}},
		{"nest piece under the minimum", func(p *Problem) { p.MinPop, p.MaxPop = 30, 0 }, []string{"fewer than the minimum 30", "in O Ward O"}},
		{"a fit set no block fits", func(p *Problem) {
			for i := range p.Blocks {
				p.Blocks[i].Fit[1] = -1
			}
		}, []string{"fit set fit1", "do not cover it"}},
		{"block in no nest area", func(p *Problem) { p.Blocks[5].Nest = -1 }, []string{"nest-in set nest", "B05"}},
		{"band upside down", func(p *Problem) { p.MinPop = 40; p.MaxPop = 30 }, []string{"want 0 ≤ min ≤ max"}},
		{"one-way neighbour", func(p *Problem) { p.Adj[0] = append(p.Adj[0], 20) }, []string{"block B00", "not neighboured back"}},
		{"no fit sets", func(p *Problem) {
			p.Fits = nil
		}, []string{"no fit set"}},
		{"zero weight", func(p *Problem) { p.Fits[0].Weight = 0 }, []string{"fit set fit0: weight 0"}},
		{"band no grouping meets", func(p *Problem) { p.MinPop, p.MaxPop = 14, 15 }, []string{"no grouping found meets it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := messy(1)
			tt.edit(p)
			_, _, err := Solve(context.Background(), p)
			if place.ErrorCode(err) != place.EINVALID {
				t.Fatalf("error %v, want EINVALID", err)
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestReportNamesCrossingAndUncovered(t *testing.T) {
	p := messy(1)
	p.Blocks[9].NestShare = 0.6
	p.Fits[1].Codes = append(p.Fits[1].Codes, "EMPTY")
	p.Fits[1].Names = append(p.Fits[1].Names, "Nobody")
	_, r, err := Solve(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.CrossingBlocks, []string{"B09"}) {
		t.Errorf("crossing %v, want [B09]", r.CrossingBlocks)
	}
	if !reflect.DeepEqual(r.Uncovered, []Uncovered{{Slug: "fit1", Codes: []string{"EMPTY"}}}) {
		t.Errorf("uncovered %v", r.Uncovered)
	}
	if len(r.Inputs) != 3*2+3 {
		t.Errorf("%d input scores, want each of 3 fit sets against the 2 others and the nest set against 3", len(r.Inputs))
	}
}

func TestNamesAndCodes(t *testing.T) {
	// Fit area A spans two wards: its two pieces are told apart by ward.
	p := grid([][]string{{"AAAB"}}, []float64{1}, []string{"PPQQ"})
	p.Slug = "shared"
	plan, _, err := Solve(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	want := &Plan{Area: []int32{0, 0, 1, 2}, Codes: []string{"shared-001", "shared-002", "shared-003"},
		Names: []string{"Name A (Ward P)", "Name A (Ward Q)", "Name B"}}
	if !reflect.DeepEqual(plan, want) {
		t.Errorf("plan %+v, want %+v", plan, want)
	}
}

func TestMove(t *testing.T) {
	// Areas: a = cells 0-2 and 4 (ward P), b = 3, 7 (ward Q), c = 5, 6 (ward P).
	p := grid([][]string{{"AAAB", "ACCB"}}, []float64{1}, []string{"PPPQ", "PPPQ"})
	base := &Plan{Area: []int32{0, 0, 0, 1, 0, 2, 2, 1}, Codes: []string{"a", "b", "c"}, Names: []string{"A", "B", "C"}}
	tests := []struct {
		name        string
		block, to   int
		min, max    float64
		code, wants string
	}{
		{"to a neighbour", 6, 0, 0, 0, "", ""},
		{"not adjacent", 0, 2, 0, 0, place.ECONFLICT, "shares no edge"},
		{"would split", 1, 2, 0, 0, place.ECONFLICT, "split it in two"},
		{"would leave the ward", 2, 1, 0, 0, place.ECONFLICT, "leave the nest area"},
		{"under the minimum", 5, 0, 2, 0, place.ECONFLICT, "under the minimum 2"},
		{"over the maximum", 6, 0, 0, 4, place.ECONFLICT, "over the maximum 4"},
		{"already there", 0, 0, 0, 0, place.EINVALID, "already in"},
		{"no such area", 0, 9, 0, 0, place.EINVALID, "no area 9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pp := *p
			pp.MinPop, pp.MaxPop = tt.min, tt.max
			plan := &Plan{Area: slices.Clone(base.Area), Codes: base.Codes, Names: base.Names}
			err := plan.Move(&pp, tt.block, tt.to)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if plan.Area[tt.block] != int32(tt.to) || !Evaluate(&pp, plan).Checks.Contiguous {
					t.Errorf("after the move: %v", plan.Area)
				}
				return
			}
			if place.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.wants) {
				t.Errorf("error %v, want %s containing %q", err, tt.code, tt.wants)
			}
			if !reflect.DeepEqual(plan.Area, base.Area) {
				t.Errorf("a refused move changed the plan: %v", plan.Area)
			}
		})
	}
}

func TestMoveEmpties(t *testing.T) {
	p := grid([][]string{{"AB"}}, []float64{1}, nil)
	plan := &Plan{Area: []int32{0, 1}, Codes: []string{"a", "b"}}
	if err := plan.Move(p, 1, 0); place.ErrorCode(err) != place.ECONFLICT || !strings.Contains(err.Error(), "left empty") {
		t.Errorf("error %v, want ECONFLICT: left empty", err)
	}
}

func BenchmarkSolve(b *testing.B) {
	for b.Loop() {
		if _, _, err := Solve(context.Background(), messy(1)); err != nil {
			b.Fatal(err)
		}
	}
}

func TestReassignCutOffCrossingBlocks(t *testing.T) {
	tests := []struct {
		name  string
		share float64
		err   string
	}{
		{"a crossing block joins its neighbours' ward", 0.7, ""},
		{"a block wholly in its ward is not moved", 1, "fewer than the minimum 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := grid([][]string{{"AAAA", "AAAA"}}, []float64{1}, []string{"PPPP", "PQPP"})
			p.MinPop = 2
			p.Blocks[5].NestShare = tt.share
			plan, r, err := Solve(context.Background(), p)
			if tt.err != "" {
				if place.ErrorCode(err) != place.EINVALID || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want EINVALID %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r.ReassignedBlocks, []string{"B05"}) || !reflect.DeepEqual(r.CrossingBlocks, []string{"B05"}) {
				t.Errorf("reassigned %v, crossing %v; want B05 in both", r.ReassignedBlocks, r.CrossingBlocks)
			}
			if len(plan.Codes) != 1 || !r.Checks.OK() {
				t.Errorf("%d areas, checks %+v; want one area keeping every rule", len(plan.Codes), r.Checks)
			}
		})
	}
}

// TestSolveStopsWithContext: a done context stops the search at once, and
// the plan it returns still keeps every rule.
func TestSolveStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	plan, r, err := Solve(ctx, messy(3))
	if err != nil {
		t.Fatal(err)
	}
	if r.Moves != 0 || !r.Checks.OK() || len(plan.Codes) == 0 {
		t.Errorf("after a done context: %d moves, checks %+v", r.Moves, r.Checks)
	}
}
