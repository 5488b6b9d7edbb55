package osm

import (
	"compress/gzip"
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
)

// TestOfferable is the one rule for what may go to OSM, case by case.
func TestOfferable(t *testing.T) {
	local := func(licence string, version int64) place.Asset {
		a := asset("a", "", "Heeley Hall", "community_centre", -1.47, 53.36)
		a.Licence, a.Version = licence, version
		return a
	}
	fromOSM := func(version int64) place.Asset {
		a := asset("a", "osm:node/42", "Heeley Hall", "community_centre", -1.47, 53.36)
		a.Licence, a.Version = "ODbL-1.0", version
		a.Tags[KeyVersion] = "3"
		return a
	}
	linked := local("OGL-UK-3.0", 2)
	linked.Tags[LinkTag] = "osm:node/7"
	onlyHere := func(v int64) *place.Verdict {
		return &place.Verdict{AssetID: "a", AssetVersion: v, File: "sheffield.osm.pbf", Outcome: place.OutcomeOnlyLocal}
	}
	counterpart := &place.Verdict{AssetID: "a", AssetVersion: 1, File: "sheffield.osm.pbf", Outcome: place.OutcomeMatched, OSMRefs: []string{"osm:node/7"}}
	decision := func(status string, v int64) *place.Proposal {
		return &place.Proposal{ID: "p", File: "sheffield.osm.pbf", Outcome: place.OutcomeOnlyLocal, AssetID: "a", AssetVersion: v, Status: status, Reason: "closes in March"}
	}
	pendingMatch := []place.Proposal{{ID: "m", File: "sheffield.osm.pbf", Outcome: place.OutcomeMatched, AssetID: "a", OSMRef: "osm:node/7", Status: place.Pending}}
	pendingAmbiguous := []place.Proposal{{ID: "m", File: "sheffield.osm.pbf", Outcome: place.OutcomeAmbiguous, OSMRef: "osm:node/7", Candidates: []string{"a", "b"}, Status: place.Pending}}
	base := map[string]string{"amenity": "community_centre", "name": "Heeley Hall"}
	for _, tc := range []struct {
		name string
		a    place.Asset
		s    Standing
		want Eligibility
		why  string
	}{
		{"licence unknown", local("", 1), Standing{Verdict: onlyHere(1)}, Block, "licence unknown"},
		{"licence CC BY", local("CC-BY-4.0", 1), Standing{Verdict: onlyHere(1)}, Block, "licence CC-BY-4.0 is not compatible"},
		{"kept out on review", local("own-survey", 1), Standing{Verdict: onlyHere(1), Decision: decision(place.Rejected, 1)}, Block, "kept out of OSM on review: closes in March"},
		{"kept out, though OSM lacks it", local("own-survey", 1), Standing{Decision: decision(place.Rejected, 1)}, Block, "kept out"},
		{"never conflated", local("own-survey", 1), Standing{}, LeaveOut, "no conflation has covered its area"},
		{"no counterpart in the last run", local("own-survey", 1), Standing{Verdict: onlyHere(1)}, Offer, "no OSM counterpart within 100 m in the last conflation over its area (sheffield.osm.pbf)"},
		{"offered on review", local("own-survey", 1), Standing{Decision: decision(place.Accepted, 1)}, Offer, "offered to OSM on review"},
		{"offered on review, no counterpart either", local("own-survey", 1), Standing{Verdict: onlyHere(1), Decision: decision(place.Accepted, 1)}, Offer, "offered to OSM on review"},
		{"changed since the run", local("own-survey", 2), Standing{Verdict: onlyHere(1)}, LeaveOut, "changed since the last conflation over its area read it (version 1, now 2)"},
		{"changed since the offer", local("own-survey", 3), Standing{Decision: decision(place.Accepted, 1)}, LeaveOut, "version 1, now 3"},
		{"a counterpart in the last run", local("own-survey", 1), Standing{Verdict: counterpart}, LeaveOut, "found osm:node/7 within 100 m"},
		{"a counterpart after an earlier offer", local("own-survey", 1), Standing{Verdict: counterpart, Decision: decision(place.Accepted, 1)}, LeaveOut, "found osm:node/7"},
		{"matched, undecided", local("own-survey", 1), Standing{Verdict: counterpart, Pending: pendingMatch}, LeaveOut, "undecided: matched to osm:node/7"},
		{"ambiguous, undecided", local("own-survey", 1), Standing{Verdict: onlyHere(1), Pending: pendingAmbiguous}, LeaveOut, "undecided: osm:node/7 is ambiguous among a, b"},
		{"linked on review", linked, Standing{Verdict: counterpart}, InOSM, "linked to osm:node/7"},
		{"from OSM, unchanged", fromOSM(1), Standing{}, InOSM, "unchanged"},
		{"from OSM, edited", fromOSM(2), Standing{Base: base}, Offer, "read from OSM (osm:node/42) and edited here"},
		{"from OSM, edited, tags unknown", fromOSM(2), Standing{}, LeaveOut, "does not hold osm:node/42's tags at version 3"},
		{"from OSM, edited, match undecided", fromOSM(2), Standing{Base: base, Pending: pendingMatch}, LeaveOut, "undecided"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, why := Offerable(tc.a, tc.s)
			if got != tc.want || !strings.Contains(why, tc.why) {
				t.Errorf("Offerable = %d %q, want %d %q", got, why, tc.want, tc.why)
			}
		})
	}
}

// TestWriteTags: only OSM keys go, through the tag table; the rest is
// listed; a modify keeps every key OSM had.
func TestWriteTags(t *testing.T) {
	a := asset("a", "", "Broomhill Library", "library", -1.5, 53.38)
	a.Website, a.Address = "https://broomhill.example.org", "Taptonville Road, Sheffield"
	a.Tags = map[string]string{"amenity": "library", "statutory_2016": "no", "weekly_opening_hours": "33", "operator:type": "community",
		"libraries_hacked:id": "2448", "placemap:library_type": "community_run", "wheelchair": "yes", "addr:unit": "2", "name:cy": "Llyfrgell",
		"notes": "key under the mat", "community_centre": "x", KeyVersion: "4"}
	tags, unmapped := WriteTags(a, nil)
	want := map[string]string{"amenity": "library", "name": "Broomhill Library", "website": "https://broomhill.example.org",
		"addr:street": "Taptonville Road", "addr:city": "Sheffield", "operator:type": "community", "wheelchair": "yes", "addr:unit": "2",
		"name:cy": "Llyfrgell", "community_centre": "x"}
	if !reflect.DeepEqual(tags, want) {
		t.Errorf("tags =\n%v\nwant\n%v", tags, want)
	}
	if !reflect.DeepEqual(unmapped, []string{"notes", "statutory_2016", "weekly_opening_hours"}) {
		t.Errorf("unmapped = %v", unmapped)
	}

	// A modify: OSM's keys stay (also ones placemap does not map), the
	// table's win, nothing OSM has is removed, a closed asset's feature key
	// moves under disused:.
	m := asset("m", "osm:node/9", "Heeley Hall", "community_centre", -1.47, 53.36)
	m.Status = place.Closed
	m.OpeningHours = "Mo 10:00-12:00"
	m.Tags = map[string]string{"check_date": "2024-01-01", "statutory_2016": "no", "roof:shape": "flat", KeyVersion: "3"}
	base := map[string]string{"amenity": "community_centre", "name": "Heeley Hall", "roof:shape": "flat", "phone": "0114 000", "source": "survey", "osm:version": "3"}
	tags, unmapped = WriteTags(m, base)
	want = map[string]string{"disused:amenity": "community_centre", "name": "Heeley Hall", "opening_hours": "Mo 10:00-12:00",
		"check_date": "2024-01-01", "roof:shape": "flat", "phone": "0114 000", "source": "survey"}
	if !reflect.DeepEqual(tags, want) {
		t.Errorf("modify tags =\n%v\nwant\n%v", tags, want)
	}
	if !reflect.DeepEqual(unmapped, []string{"statutory_2016"}) {
		t.Errorf("modify unmapped = %v", unmapped)
	}
}

// TestContributionReport: the report lists what the file holds and what
// not, and the keys not written.
func TestContributionReport(t *testing.T) {
	a := asset("a", "", "Quiet Library", "library", -1.40, 53.28)
	a.Licence, a.Version = "own-survey", 1
	a.Tags["weekly_opening_hours"] = "12"
	b := asset("b", "", "Busy Library", "library", -1.41, 53.29)
	b.Licence, b.Version = "own-survey", 1
	c := Contribution([]place.Asset{a, b}, map[string]Standing{
		"a": {Verdict: &place.Verdict{AssetID: "a", AssetVersion: 1, File: "s.osm", Outcome: place.OutcomeOnlyLocal}},
	})
	r := NewReport(c, "osmchange", "placemap.osc")
	if r.Summary.Offered != 1 || r.Summary.LeftOut != 1 || r.Offered[0].Name != "Quiet Library" || r.Offered[0].OSMID != -1 ||
		r.LeftOut[0].Name != "Busy Library" || len(r.Unmapped) != 1 || r.Unmapped[0].Key != "weekly_opening_hours" || r.Objects["create_nodes"] != 1 {
		t.Errorf("report = %+v", r)
	}
}

// TestCovers: an asset is covered when its matching radius lies inside the
// file's bounds, not merely its point.
func TestCovers(t *testing.T) {
	b := orb.Bound{Min: orb.Point{-1.55, 53.79}, Max: orb.Point{-1.52, 53.81}} // about 2 km by 2.2 km
	for _, tc := range []struct {
		name string
		p    orb.Point
		r    float64
		want bool
	}{
		{"centre, 100 m", orb.Point{-1.535, 53.80}, 100, true},
		{"centre, 500 m", orb.Point{-1.535, 53.80}, 500, true},
		{"50 m in from the west edge, 100 m", orb.Point{-1.55 + 0.00076, 53.80}, 100, false},
		{"150 m in from the west edge, 100 m", orb.Point{-1.55 + 0.00227, 53.80}, 100, true},
		{"50 m in from the north edge, 100 m", orb.Point{-1.535, 53.81 - 0.00045}, 100, false},
		{"outside", orb.Point{-1.47, 53.38}, 100, false},
	} {
		if got := Covers(b, tc.p, tc.r); got != tc.want {
			t.Errorf("%s: Covers = %v", tc.name, got)
		}
	}
	ms := []Match{
		{Outcome: OnlyLocal, Local: &place.Asset{ID: "in", Category: "library", Geometry: orb.Point{-1.535, 53.80}}},
		{Outcome: OnlyLocal, Local: &place.Asset{ID: "out", Category: "library", Geometry: orb.Point{-1.47, 53.38}}},
		{Outcome: Matched, Local: &place.Asset{ID: "matched-out", Category: "library", Geometry: orb.Point{-1.47, 53.38}}},
	}
	kept, outside := Within(ms, func(a place.Asset) bool { return CoversAsset(b, a) })
	if len(kept) != 2 || kept[0].Local.ID != "in" || kept[1].Local.ID != "matched-out" || len(outside) != 1 || outside[0].ID != "out" {
		t.Errorf("Within = %v, outside %v", kept, outside)
	}
}

// TestFileBounds: a PBF header's bbox, XML's <bounds> (plain and gzip),
// else the extent of every position in the file; nothing for a file with
// no positions.
func TestFileBounds(t *testing.T) {
	ctx := context.Background()
	b, from, err := FileBounds(ctx, File(dataPath(t, "delaware-latest.osm.pbf")), "delaware-latest.osm.pbf", 0)
	if err != nil || from != BoundsHeader || !nearBound(b, orb.Bound{Min: orb.Point{-75.78974, 38.45043}, Max: orb.Point{-74.96121, 40.03221}}) {
		t.Errorf("Delaware PBF: %v %q %v (osmium fileinfo: header bbox -75.78974,38.45043,-74.96121,40.03221)", b, from, err)
	}
	// The Leeds clip has no <bounds>: the extent of its nodes, as osmium
	// fileinfo -e gives it (-1.5408476,53.7932076,-1.5266945,53.8062651).
	b, from, err = FileBounds(ctx, File(dataPath(t, "uk-clips/leeds_cycleway.osm")), "leeds_cycleway.osm", 0)
	if err != nil || from != BoundsData || b != (orb.Bound{Min: orb.Point{-1.5408476, 53.7932076}, Max: orb.Point{-1.5266945, 53.8062651}}) {
		t.Errorf("Leeds clip: %v %q %v", b, from, err)
	}
	withBounds := `<?xml version="1.0"?><osm version="0.6"><bounds minlat="53.3" minlon="-1.6" maxlat="53.45" maxlon="-1.3"/>` +
		`<node id="1" lat="53.38" lon="-1.47"><tag k="amenity" v="library"/></node></osm>`
	want := orb.Bound{Min: orb.Point{-1.6, 53.3}, Max: orb.Point{-1.3, 53.45}}
	if b, from, err := FileBounds(ctx, Bytes([]byte(withBounds)), "s.osm", 0); err != nil || from != BoundsHeader || b != want {
		t.Errorf("XML <bounds>: %v %q %v", b, from, err)
	}
	gz := filepath.Join(t.TempDir(), "s.osm.gz")
	f, _ := os.Create(gz)
	zw := gzip.NewWriter(f)
	_, _ = zw.Write([]byte(withBounds))
	_ = zw.Close()
	_ = f.Close()
	if b, from, err := FileBounds(ctx, File(gz), "s.osm.gz", 0); err != nil || from != BoundsHeader || b != want {
		t.Errorf("gzip XML <bounds>: %v %q %v", b, from, err)
	}
	overpass := `{"version":0.6,"elements":[{"type":"node","id":1,"lat":53.38,"lon":-1.47,"tags":{"amenity":"library"}},` +
		`{"type":"way","id":2,"center":{"lat":53.40,"lon":-1.40},"nodes":[1,3],"tags":{"leisure":"park"}}]}`
	if b, from, err := FileBounds(ctx, Bytes([]byte(overpass)), "s.json", 0); err != nil || from != BoundsData ||
		b != (orb.Bound{Min: orb.Point{-1.47, 53.38}, Max: orb.Point{-1.40, 53.40}}) {
		t.Errorf("Overpass JSON: %v %q %v", b, from, err)
	}
	if _, from, err := FileBounds(ctx, Bytes([]byte(`<?xml version="1.0"?><osm version="0.6"></osm>`)), "empty.osm", 0); err != nil || from != "" {
		t.Errorf("empty file: %q %v", from, err)
	}
	if _, _, err := FileBounds(ctx, Bytes([]byte(`not osm at all`)), "junk.osm", 0); place.ErrorCode(err) != place.EINVALID {
		t.Errorf("junk: %v", err)
	}
}

// nearBound compares bounds to 1e-7°, the precision of OSM coordinates.
func nearBound(a, b orb.Bound) bool {
	for i, v := range []float64{a.Min[0], a.Min[1], a.Max[0], a.Max[1]} {
		w := []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}[i]
		if math.Abs(v-w) > 1e-7 {
			return false
		}
	}
	return true
}
