package reconcile

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestPerHead(t *testing.T) {
	counts := map[string]float64{"a": 2, "b": 1, "c": 3, "d": 0}
	residents := map[string]float64{"a": 4000, "b": 0, "d": 1523}
	got := PerHead(counts, residents, PerResidents)
	for _, tc := range []struct {
		code string
		want float64
		ok   bool
	}{
		{"a", 5, true},  // 2 / 4000 × 10,000
		{"b", 0, false}, // no residents: no figure, not infinity
		{"c", 0, false}, // residents unknown
		{"d", 0, true},  // none of them, among people
		{"e", 0, false}, // not counted at all
	} {
		v, ok := got[tc.code]
		if ok != tc.ok || (ok && math.Abs(v-tc.want) > 1e-12) {
			t.Errorf("%s: got %v (%v), want %v (%v)", tc.code, v, ok, tc.want, tc.ok)
		}
	}
}

func TestWriteFiguresCSV(t *testing.T) {
	f := Figures{IndicatorInfo: IndicatorInfo{}, From: "oa", Method: OwnValues, Per: PerResidents,
		Population: &Population{Set: "oa", Indicator: PopulationIndicator, Basis: OwnValues},
		Values:     map[string]float64{"A": 1.0 / 3, "B": -2}}
	f.Name = "assets_library"
	var b bytes.Buffer
	rows := []FigureRow{{"B", "=HYPERLINK(\"x\")"}, {"A", "Alpha, the first"}, {"C", "No figure"}}
	SortRowsByCode(rows)
	if err := WriteFiguresCSV(&b, "oa", rows, f); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := []string{
		"set,code,name,indicator,value,per,source_set,method",
		`oa,A,"Alpha, the first",assets_library,0.3333333333333333,10000,oa,`,
		`oa,B,"'=HYPERLINK(""x"")",assets_library,-2,10000,oa,`,
		`oa,C,No figure,assets_library,,10000,oa,`,
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines:\n%s", len(lines), b.String())
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("line %d = %q, want it to begin %q", i, lines[i], want[i])
		}
	}
	if !strings.Contains(lines[1], "per 10000 residents") {
		t.Errorf("the method should say how the per-head figure was made: %q", lines[1])
	}
}
