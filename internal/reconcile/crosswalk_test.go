package reconcile

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/place"
)

func sq(code string, x0, y0, w, h float64) place.Area {
	return place.Area{Code: code, Name: code, Geometry: orb.MultiPolygon{{{{x0, y0}, {x0 + w, y0}, {x0 + w, y0 + h}, {x0, y0 + h}, {x0, y0}}}}}
}

func TestOverlayClasses(t *testing.T) {
	// A: two 0.01° squares side by side. B: one equal to A1, one covering
	// A2 and more, one overlapping A2's corner, one a hair over A1's edge.
	a := []place.Area{sq("A1", 0, 53, 0.01, 0.01), sq("A2", 0.01, 53, 0.01, 0.01)}
	b := []place.Area{
		sq("B1", 0, 53, 0.01, 0.01),
		sq("B2", 0.01, 53, 0.02, 0.02),
		sq("B3", 0.015, 53.005, 0.01, 0.01),
		sq("B4", 0.00995, 52.99, 0.0001, 0.005),
	}
	cw, err := Overlay(context.Background(), a, b)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		a, b  string
		class Class
		share float64
	}
	var got []row
	for _, p := range cw.Pairs {
		got = append(got, row{cw.A[p.A].Code, cw.B[p.B].Code, p.Class, p.ShareAInB})
	}
	want := []row{{"A1", "B1", Equivalent, 1}, {"A2", "B2", AWithinB, 1}, {"A2", "B3", Partial, 0.25}}
	if len(got) != len(want) {
		t.Fatalf("pairs = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].a != want[i].a || got[i].b != want[i].b || got[i].class != want[i].class || math.Abs(got[i].share-want[i].share) > 1e-3 {
			t.Errorf("pair %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if cw.Summary.Classes[Equivalent] != 1 || cw.Summary.Classes[AWithinB] != 1 || cw.Summary.Classes[Partial] != 1 {
		t.Errorf("classes = %v", cw.Summary.Classes)
	}
	if cw.Pairs[cw.BestFit[1]].B != 1 {
		t.Errorf("A2's best fit is %s, want B2", cw.B[cw.Pairs[cw.BestFit[1]].B].Code)
	}
	if cw.Summary.ShareOfAOutsideB > 1e-5 || len(cw.Summary.AWithout) != 0 {
		t.Errorf("summary = %+v", cw.Summary)
	}
	// Area is measured on the ellipsoid: a 0.01° square at 53°N is about
	// 1113 m × 670 m.
	if a := cw.AreaA[0]; math.Abs(a-1113.2*669.9)/a > 0.01 {
		t.Errorf("area of A1 = %.0f m²", a)
	}
}

func TestOverlayOverlappingB(t *testing.T) {
	// Two B areas overlap each other over A: A's coverage counts once.
	a := []place.Area{sq("A", 0, 53, 0.02, 0.01)}
	b := []place.Area{sq("B1", 0, 53, 0.015, 0.01), sq("B2", 0.005, 53, 0.01, 0.01)}
	cw, err := Overlay(context.Background(), a, b)
	if err != nil {
		t.Fatal(err)
	}
	if got := cw.Summary.ShareOfAOutsideB; math.Abs(got-0.25) > 1e-3 {
		t.Errorf("share of A outside B = %.4f, want 0.25", got)
	}
}

func TestOverlayRefusesInvalid(t *testing.T) {
	bow := place.Area{Code: "BOW", Set: "x", Geometry: orb.MultiPolygon{{{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}}}}
	_, err := Overlay(context.Background(), []place.Area{bow}, []place.Area{sq("B", 0, 0, 1, 1)})
	if place.ErrorCode(err) != place.EINVALID {
		t.Errorf("invalid input: %v, want invalid", err)
	}
}

var (
	sheffieldOnce sync.Once
	sheffield     map[string][]place.Area
)

// readSet reads a real Sheffield boundary file.
func readSet(t testing.TB, slug, file string) []place.Area {
	t.Helper()
	sheffieldOnce.Do(func() { sheffield = map[string][]place.Area{} })
	if a, ok := sheffield[slug]; ok {
		return a
	}
	f, err := os.Open(filepath.Join("../../geodata/sheffield", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bf, err := formats.ReadBoundaries(f, file, formats.BoundaryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range bf.Areas {
		bf.Areas[i].Set = slug
	}
	sheffield[slug] = bf.Areas
	return bf.Areas
}

const (
	wardsFile = "ons/electoral__eng__wards_by_lad__E08000019.json"
	msoaFile  = "ons/statistical__eng__msoa_by_lad__E08000019.json"
	lsoaFile  = "ons/statistical__eng__lsoa_by_lad__E08000019.json"
	commFile  = "community/data_neighbourhoods.geojson"
	ward19    = "ons-2019/sheffield_wards_2019.geojson"
)

// TestPartitionProperties checks what must hold on real sets: a partition
// set's shares of each a sum to 1; LSOAs nest in MSOAs; A→B and B→A agree.
func TestPartitionProperties(t *testing.T) {
	ctx := context.Background()
	lsoa, msoa, wards := readSet(t, "lsoa", lsoaFile), readSet(t, "msoa", msoaFile), readSet(t, "wards", wardsFile)

	// LSOAs nest in MSOAs: each LSOA's best fit holds (nearly) all of it.
	cw, err := Overlay(ctx, lsoa, msoa)
	if err != nil {
		t.Fatal(err)
	}
	for i, bf := range cw.BestFit {
		if bf < 0 || cw.Pairs[bf].ShareAInB < 0.999 {
			t.Errorf("LSOA %s is not within one MSOA (best share %v)", lsoa[i].Code, cw.Pairs[bf].ShareAInB)
		}
	}
	// MSOAs partition the city: each LSOA's shares in them, slivers
	// included, sum to 1.
	sums := make([]float64, len(lsoa))
	for _, p := range append(append([]Pair(nil), cw.Pairs...), cw.Slivers...) {
		sums[p.A] += p.ShareAInB
	}
	for i, s := range sums {
		if math.Abs(s-1) > 1e-4 {
			t.Errorf("LSOA %s: shares in MSOAs sum to %.6f", lsoa[i].Code, s)
		}
	}
	// Wards were generalised apart from the census areas, so along the
	// city's edge an LSOA may reach a little past them: shares sum to 1
	// within 1.5%, and to 1 over the whole city within 0.1%.
	lw, err := Overlay(ctx, lsoa, wards)
	if err != nil {
		t.Fatal(err)
	}
	sums = make([]float64, len(lsoa))
	for _, p := range append(append([]Pair(nil), lw.Pairs...), lw.Slivers...) {
		sums[p.A] += p.ShareAInB
	}
	for i, s := range sums {
		if s > 1+1e-5 || s < 0.985 {
			t.Errorf("LSOA %s: shares in wards sum to %.4f", lsoa[i].Code, s)
		}
	}
	if lw.Summary.ShareOfAOutsideB > 1e-3 {
		t.Errorf("LSOAs outside the wards: %.5f", lw.Summary.ShareOfAOutsideB)
	}
	// The other way round gives the same pairs, sides swapped.
	wl, err := Overlay(ctx, wards, lsoa)
	if err != nil {
		t.Fatal(err)
	}
	type k struct{ a, b string }
	there := map[k]Pair{}
	for _, p := range lw.Pairs {
		there[k{lsoa[p.A].Code, wards[p.B].Code}] = p
	}
	if len(wl.Pairs) != len(lw.Pairs) {
		t.Errorf("A→B has %d pairs, B→A %d", len(lw.Pairs), len(wl.Pairs))
	}
	for _, p := range wl.Pairs {
		q, ok := there[k{lsoa[p.B].Code, wards[p.A].Code}]
		if !ok {
			t.Errorf("pair %s/%s only one way", wards[p.A].Code, lsoa[p.B].Code)
			continue
		}
		if math.Abs(p.InterM2-q.InterM2) > 1e-6*q.InterM2 || math.Abs(p.ShareAInB-q.ShareBInA) > 1e-9 || math.Abs(p.IoU-q.IoU) > 1e-9 {
			t.Errorf("pair %s/%s differs between directions: %+v vs %+v", wards[p.A].Code, lsoa[p.B].Code, p, q)
		}
	}
}

func TestCommunityAgainstWards(t *testing.T) {
	comm, wards := readSet(t, "community", commFile), readSet(t, "wards19", ward19)
	cw, err := Overlay(context.Background(), comm, wards)
	if err != nil {
		t.Fatal(err)
	}
	// Residents drew neighbourhoods over about three quarters of the city,
	// some spilling past its edge: a little of them lies outside the wards.
	if s := cw.Summary.ShareOfAOutsideB; s <= 0 || s > 0.2 {
		t.Errorf("share of community areas outside the wards = %.4f", s)
	}
	if cw.Summary.Pairs < len(comm) || cw.Summary.MedianIoU <= 0 || cw.Summary.MedianIoU >= 1 {
		t.Errorf("summary = %+v", cw.Summary)
	}
}

func TestTransfer(t *testing.T) {
	a := []place.Area{sq("A1", 0, 53, 0.01, 0.01), sq("A2", 0.01, 53, 0.01, 0.01)}
	b := []place.Area{sq("B", 0.005, 53, 0.01, 0.01)} // half of each
	cw, err := Overlay(context.Background(), a, b)
	if err != nil {
		t.Fatal(err)
	}
	got, method, err := cw.Transfer(map[string]float64{"A1": 100, "A2": 300}, Count, ByArea)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got["B"]-200) > 0.5 || method == "" {
		t.Errorf("count transfer = %v (%s), want 200", got, method)
	}
	got, _, err = cw.Transfer(map[string]float64{"A1": 10, "A2": 30}, Rate, ByArea)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got["B"]-20) > 0.01 {
		t.Errorf("rate transfer = %v, want 20", got)
	}
	if _, _, err := cw.Transfer(nil, Count, ByPopulation); err == nil {
		t.Error("population transfer without population weights should fail")
	}
}

func TestAgreement(t *testing.T) {
	// Three definitions of one place: two squares and a wider rectangle.
	defs := []orb.MultiPolygon{
		sq("", 0, 53, 0.02, 0.02).Geometry,
		sq("", 0.01, 53, 0.02, 0.02).Geometry,
		sq("", 0, 53, 0.03, 0.01).Geometry,
	}
	faces, err := Agreement(defs)
	if err != nil {
		t.Fatal(err)
	}
	total := map[int]float64{}
	for _, f := range faces {
		total[len(f.Members)] += f.AreaM2
	}
	cell := faces[0].AreaM2 // the core: [0.01,0.02]×[53,53.01], one cell
	if len(faces[0].Members) != 3 {
		t.Fatalf("first face covered by %v, want all three", faces[0].Members)
	}
	// Cells of 0.01°: core 1, covered by two 3, by one 2.
	for n, cells := range map[int]float64{3: 1, 2: 3, 1: 2} {
		if math.Abs(total[n]/cell-cells) > 0.02 {
			t.Errorf("area covered by %d definitions = %.2f cells, want %v", n, total[n]/cell, cells)
		}
	}
}

// TestPopulationBestFit: weighed by people, an area's best fit is where
// most of its people are, not most of its ground.
func TestPopulationBestFit(t *testing.T) {
	ctx := context.Background()
	a := []place.Area{sq("A", 0, 53, 0.02, 0.01)}
	b := []place.Area{sq("B1", 0, 53, 0.014, 0.01), sq("B2", 0.014, 53, 0.006, 0.01)}
	blocks := []place.Area{sq("K1", 0, 53, 0.014, 0.01), sq("K2", 0.014, 53, 0.006, 0.01)}
	cw, err := Overlay(ctx, a, b)
	if err != nil {
		t.Fatal(err)
	}
	ka, err := Overlay(ctx, blocks, a)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := Overlay(ctx, blocks, b)
	if err != nil {
		t.Fatal(err)
	}
	if err := cw.WeightByPopulation(ka, kb, map[string]float64{"K1": 10, "K2": 90}); err != nil {
		t.Fatal(err)
	}
	set := place.BoundarySet{Slug: "a"}
	byArea := NewReport(&Weighted{Crosswalk: cw, Weight: ByArea}, set, set, nil)
	byPeople := NewReport(&Weighted{Crosswalk: cw, Weight: ByPopulation}, set, set, nil)
	if byArea.BestFit[0].BCode != "B1" || math.Abs(byArea.BestFit[0].Share-0.7) > 1e-3 {
		t.Errorf("best fit by area = %+v, want B1 at 0.7", byArea.BestFit[0])
	}
	if byPeople.BestFit[0].BCode != "B2" || math.Abs(byPeople.BestFit[0].Share-0.9) > 1e-9 {
		t.Errorf("best fit by population = %+v, want B2 at 0.9", byPeople.BestFit[0])
	}
	moved, _, err := cw.Transfer(map[string]float64{"A": 1000}, Count, ByPopulation)
	if err != nil || math.Abs(moved["B2"]-900) > 1e-6 || math.Abs(moved["B1"]-100) > 1e-6 {
		t.Errorf("count moved by population = %v, %v", moved, err)
	}
}
