package place

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

func unitSquare(x, y float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}}}
}

func TestCheckSet(t *testing.T) {
	set := BoundarySet{Slug: "wards", Title: "Wards", Kind: Statutory}
	a := Area{Code: "A", Name: "A", Geometry: unitSquare(0, 0)}
	b := Area{Code: "B", Name: "B", Geometry: unitSquare(1, 0)}
	for _, tc := range []struct {
		name  string
		set   BoundarySet
		areas []Area
		want  string // a part of the message; "" for no error
	}{
		{"good", set, []Area{a, b}, ""},
		{"no areas", set, nil, "has no areas"},
		{"shared code", set, []Area{a, a}, "areas 0 and 1 share the code"},
		{"bad area", set, []Area{a, {Code: "", Name: "x", Geometry: unitSquare(2, 0)}}, "area 1"},
		{"bad slug", BoundarySet{Slug: "Not A Slug", Title: "x", Kind: Statutory}, []Area{a}, "slug"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.set
			err := CheckSet(&s, tc.areas)
			checkErr(t, err, tc.want)
		})
	}
}

func TestCheckAssets(t *testing.T) {
	ok := Asset{ID: "a1", Name: "Library", Category: "library", Status: Open, Geometry: orb.Point{-1.4, 53.3}}
	noID := ok
	noID.ID = ""
	for _, tc := range []struct {
		name   string
		assets []Asset
		want   string
	}{
		{"good", []Asset{ok}, ""},
		{"no id", []Asset{noID}, "asset 0 (\"Library\"): id is required"},
		{"shared id", []Asset{ok, ok}, "assets 0 and 1 share the id \"a1\""},
		{"no geometry", []Asset{{ID: "b", Name: "Hall", Category: "library", Status: Open}}, "asset 0"},
	} {
		t.Run(tc.name, func(t *testing.T) { checkErr(t, CheckAssets(tc.assets), tc.want) })
	}
}

func TestCheckIndicators(t *testing.T) {
	pop := Indicator{Name: "population", Title: "Population", Kind: "count"}
	for _, tc := range []struct {
		name   string
		inds   []Indicator
		values map[string]map[string]float64
		want   string
	}{
		{"good", []Indicator{pop}, map[string]map[string]float64{"population": {"A": 10}}, ""},
		{"none", nil, nil, "no indicators to import"},
		{"twice", []Indicator{pop, pop}, nil, "given twice"},
		{"not finite", []Indicator{pop}, map[string]map[string]float64{"population": {"A": math.NaN()}}, "not a finite number"},
		{"values of another", []Indicator{pop}, map[string]map[string]float64{"income": {"A": 1}}, "not among the indicators"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inds := append([]Indicator(nil), tc.inds...)
			err := CheckIndicators("wards", inds, tc.values)
			checkErr(t, err, tc.want)
			if err == nil && inds[0].Set != "wards" {
				t.Fatalf("indicator set = %q, want it given the set", inds[0].Set)
			}
		})
	}
}

func TestDecideLinks(t *testing.T) {
	at := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	link := func(code string, st SuccessorStatus) Successor {
		return Successor{OldSet: "w13", OldCode: "X", NewSet: "w19", NewCode: code, Status: st}
	}
	existing := []Successor{link("A", LinkComputed), link("B", LinkComputed), link("C", LinkCorrected)}
	update, add := DecideLinks(existing, []Successor{link("A", ""), link("C", ""), link("D", "")}, "ann", "checked", at)
	want := map[string]SuccessorStatus{"A": LinkConfirmed, "B": LinkRejected, "C": LinkCorrected}
	if len(update) != 3 {
		t.Fatalf("update = %v, want the three existing links", update)
	}
	for _, l := range update {
		if l.Status != want[l.NewCode] || l.DecidedBy != "ann" || l.Note != "checked" || l.DecidedAt == nil || !l.DecidedAt.Equal(at) {
			t.Errorf("link to %s: %+v, want status %s decided by ann at %v", l.NewCode, l, want[l.NewCode], at)
		}
	}
	if len(add) != 1 || add[0].NewCode != "D" || add[0].Status != LinkCorrected {
		t.Fatalf("add = %+v, want D added as corrected", add)
	}
}

func TestCheckKeep(t *testing.T) {
	k := func(code string, share float64) Successor { return Successor{NewCode: code, ShareOfOld: share} }
	got, err := CheckKeep([]Successor{k("A", 0.5), k("B", 0.5), k("A", 0.9)})
	if err != nil || len(got) != 2 || got[0].ShareOfOld != 0.5 {
		t.Fatalf("CheckKeep = %+v, %v; want A (the first) and B", got, err)
	}
	many := make([]Successor, MaxKept+1)
	for i := range many {
		many[i] = k(strings.Repeat("x", i+1), 0)
	}
	if _, err := CheckKeep(many); ErrorCode(err) != EINVALID {
		t.Fatalf("CheckKeep of %d codes: %v, want invalid", len(many), err)
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), want) {
		t.Fatalf("error = %v, want invalid saying %q", err, want)
	}
}
