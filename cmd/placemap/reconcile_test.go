package main

import (
	"encoding/csv"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
)

func getText(t *testing.T, url string) (string, http.Header) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, b)
	}
	return string(b), res.Header
}

// TestDemoReconcile walks the "done when" on the served demo: a
// crosswalk for two sets in JSON and both CSV forms, population weights, an
// indicator moved across, and agreement for a place defined by the
// council neighbourhood, the community neighbourhood and the ward of the
// same name.
func TestDemoReconcile(t *testing.T) {
	base := serveDemo(t)

	var cw struct {
		A, B   struct{ Slug string }
		Method struct {
			Weight     string
			Population *struct{ Set, Indicator, Basis string }
		}
		PopulationSets []string `json:"population_sets"`
		Summary        struct {
			Pairs     int
			Classes   map[string]int
			MedianIoU float64 `json:"median_iou"`
			Outside   float64 `json:"share_of_a_outside_b"`
		}
		Pairs []struct {
			ACode   string   `json:"a_code"`
			BCode   string   `json:"b_code"`
			Share   float64  `json:"share_a_in_b"`
			PopAInB *float64 `json:"pop_share_a_in_b"`
			Class   string
		}
		BestFit []struct {
			ACode string `json:"a_code"`
			BCode string `json:"b_code"`
			Share float64
		} `json:"best_fit"`
	}
	getJSON(t, base+"/api/crosswalks/wards-2013/community-neighbourhoods", &cw)
	if cw.A.Slug != "wards-2013" || cw.Summary.Pairs == 0 || len(cw.Pairs) != cw.Summary.Pairs || len(cw.BestFit) != 28 {
		t.Fatalf("crosswalk: %+v", cw.Summary)
	}
	if cw.Summary.Outside < 0.1 || cw.Summary.Outside > 0.5 {
		t.Errorf("residents drew neighbourhoods over about 75%% of the city; share of wards outside them = %.3f", cw.Summary.Outside)
	}
	if len(cw.PopulationSets) == 0 || cw.PopulationSets[0] != "oa-2011" {
		t.Errorf("population sets = %v, want oa-2011 first", cw.PopulationSets)
	}
	getJSON(t, base+"/api/crosswalks/wards-2013/community-neighbourhoods?weight=population", &cw)
	if cw.Method.Weight != "population" || cw.Method.Population == nil || cw.Method.Population.Set != "oa-2011" || cw.Pairs[0].PopAInB == nil {
		t.Errorf("population crosswalk method = %+v", cw.Method)
	}

	body, h := getText(t, base+"/api/crosswalks/lsoa-2011/wards-2013?format=lookup")
	if !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.HasPrefix(body, "LSOA11CD,WD13CD,WD13NM,share\n") {
		t.Errorf("lookup CSV: %s %.200s", h.Get("Content-Type"), body)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 346 {
		t.Errorf("lookup has %d rows (%v), want a header and 345 LSOAs", len(rows), err)
	}
	body, _ = getText(t, base+"/api/crosswalks/lsoa-2011/wards-2013?format=csv&weight=population")
	if !strings.HasPrefix(body, "a_code,a_name,b_code,b_name,inter_m2,share_a_in_b,share_b_in_a,iou,class,pop_share_a_in_b,pop_share_b_in_a\n") {
		t.Errorf("many-to-many CSV: %.200s", body)
	}
	body, _ = getText(t, base+"/api/crosswalks/lsoa-2011/wards-2013?format=geojson")
	if !strings.Contains(body, `"FeatureCollection"`) || !strings.Contains(body, `"share_a_in_b"`) {
		t.Errorf("overlay GeoJSON: %.200s", body)
	}

	// Indicators: the demo's own, a built-in count, and one moved across.
	var inds struct {
		Indicators []struct {
			Name    string
			Kind    string
			Builtin bool
		}
	}
	getJSON(t, base+"/api/sets/lsoa-2011/indicators", &inds)
	names := map[string]string{}
	for _, i := range inds.Indicators {
		names[i.Name] = i.Kind
	}
	if names["imd_score"] != "rate" || names["population"] != "count" || names["assets_library"] != "count" {
		t.Errorf("lsoa indicators = %v", names)
	}
	type indicator struct {
		Method string
		From   string
		Values map[string]float64
	}
	var own, moved, libs indicator
	getJSON(t, base+"/api/sets/oa-2011/indicators/population", &own)
	total := 0.0
	for _, v := range own.Values {
		total += v
	}
	if total != 552698 {
		t.Errorf("2011 residents of Sheffield = %v, want 552,698", total)
	}
	getJSON(t, base+"/api/sets/wards-2013/indicators/population?from=oa-2011", &moved)
	movedTotal := 0.0
	for _, v := range moved.Values {
		movedTotal += v
	}
	if math.Abs(movedTotal-total)/total > 0.01 || !strings.Contains(moved.Method, "count") {
		t.Errorf("population moved to wards sums to %.0f (%s), want about %v", movedTotal, moved.Method, total)
	}
	getJSON(t, base+"/api/sets/community-neighbourhoods/indicators/imd_score?from=lsoa-2011&weight=population", &moved)
	if len(moved.Values) < 100 || !strings.Contains(moved.Method, "population") || !strings.Contains(moved.Method, "rate") {
		t.Errorf("IMD moved to community neighbourhoods: %d values, method %q", len(moved.Values), moved.Method)
	}
	getJSON(t, base+"/api/sets/wards-2013/indicators/assets_library", &libs)
	n := 0.0
	for _, v := range libs.Values {
		n += v
	}
	if n != 29 {
		t.Errorf("libraries counted in wards = %v, want 29", n)
	}

	// A place defined three ways, and where the definitions agree.
	var pl struct {
		Name        string
		Definitions []struct {
			Set, Code string
			IoU       *float64 `json:"iou"`
			Assets    []struct{ Name string }
		}
	}
	getJSON(t, base+"/api/places/broomhill", &pl)
	sets := map[string]bool{}
	for _, d := range pl.Definitions {
		sets[d.Set] = true
		if d.IoU == nil || *d.IoU <= 0 || *d.IoU > 1 {
			t.Errorf("definition %s:%s IoU %v", d.Set, d.Code, d.IoU)
		}
	}
	if !sets["community-neighbourhoods"] || !sets["council-neighbourhoods"] || !sets["wards-2013"] {
		t.Fatalf("Broomhill is defined by %v", sets)
	}
	var ag struct {
		Features []struct {
			Properties struct {
				Count int
				Of    int
				Class string
				Area  float64 `json:"area_m2"`
			}
		}
		Summary struct {
			Definitions int
			Core        float64 `json:"core_m2"`
			Contested   float64 `json:"contested_m2"`
			Fringe      float64 `json:"fringe_m2"`
			Assets      map[string][]struct{ Name string }
		}
	}
	getJSON(t, base+"/api/places/broomhill/agreement", &ag)
	if ag.Summary.Definitions != len(pl.Definitions) || ag.Summary.Core <= 0 || ag.Summary.Contested+ag.Summary.Fringe <= 0 {
		t.Errorf("agreement summary = %+v", ag.Summary)
	}
	core := false
	for _, f := range ag.Features {
		if f.Properties.Class == "core" && f.Properties.Count == f.Properties.Of {
			core = true
		}
	}
	found := false
	for _, list := range ag.Summary.Assets {
		for _, a := range list {
			found = found || a.Name == "Broomhill Library"
		}
	}
	if !core || !found {
		t.Errorf("agreement: core face %v, Broomhill Library placed in a part %v", core, found)
	}
	var half, all struct {
		Geometry   struct{ Type string }
		Properties struct {
			Area float64 `json:"area_m2"`
		}
	}
	getJSON(t, base+"/api/places/broomhill/agreement?threshold=0.5", &half)
	getJSON(t, base+"/api/places/broomhill/agreement?threshold=1", &all)
	if half.Geometry.Type != "MultiPolygon" || !(half.Properties.Area > all.Properties.Area) || math.Abs(all.Properties.Area-ag.Summary.Core) > 1 {
		t.Errorf("thresholds: majority %.0f m², all %.0f m², core %.0f m²", half.Properties.Area, all.Properties.Area, ag.Summary.Core)
	}
	var sug struct {
		Suggestions []struct {
			Set  string
			Code string
			IoU  float64
		}
	}
	getJSON(t, base+"/api/places/broomhill/suggestions", &sug)
	bySet := map[string]bool{}
	for _, s := range sug.Suggestions {
		bySet[s.Set] = true
		if s.IoU <= 0 || s.IoU > 1 {
			t.Errorf("suggestion %+v", s)
		}
	}
	if !bySet["lsoa-2011"] || bySet["wards-2013"] {
		t.Errorf("suggestions cover %v; want unlinked sets such as lsoa-2011 and not the linked wards-2013", bySet)
	}
}
