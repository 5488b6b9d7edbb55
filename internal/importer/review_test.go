package importer_test

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
)

func pt(id, src, name, cat string, lon, lat float64) place.Asset {
	return place.Asset{ID: id, SourceID: src, Source: "test", Name: name, Category: cat, Status: place.Open, Geometry: orb.Point{lon, lat}, Licence: "own-survey"}
}

// TestAmbiguousReview: a person settles both kinds of ambiguity by naming
// the partner, and the link then holds in the next conflation.
func TestAmbiguousReview(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	local := []place.Asset{
		pt("twin", "", "St Mary's", "place_of_worship", -1.4500, 53.3800),  // two OSM objects fit it
		pt("hall-a", "", "Abbey Hall", "community_hall", -1.4700, 53.3600), // two local records fit one OSM object
		pt("hall-b", "", "Abbey Hall", "community_hall", -1.4701, 53.3601),
	}
	if _, err := st.AddAssets(ctx, local); err != nil {
		t.Fatal(err)
	}
	fromOSM := []place.Asset{
		pt("", "osm:node/4", "St Mary's Church", "place_of_worship", -1.4501, 53.3801),
		pt("", "osm:node/5", "St Mary's Hall", "place_of_worship", -1.4502, 53.3799),
		pt("", "osm:way/6", "Abbey Hall", "community_centre", -1.47005, 53.36005),
	}
	fromOSM[0].Website = "https://stmarys.example.org"
	importer.AssignIDs(fromOSM)
	held, _ := st.Assets(ctx, storeAll())
	ps, rv := importer.ReviewList(osm.Conflate(held.Assets, fromOSM), fromOSM, nil, "t.osm")
	if rv.ByOutcome[place.OutcomeAmbiguous] != 2 || len(ps) != 2 {
		t.Fatalf("review = %+v, proposals %+v", rv, ps)
	}
	if err := st.SaveConflation(ctx, place.ConflationRun{ID: rv.Run, File: "t.osm"}, ps, nil); err != nil {
		t.Fatal(err)
	}
	var oneLocal, oneOSM place.Proposal
	for _, p := range ps {
		if p.AssetID != "" {
			oneLocal = p
		} else {
			oneOSM = p
		}
	}
	if len(oneLocal.OSM) != 2 || len(oneOSM.OSM) != 1 {
		t.Fatalf("objects kept: %d and %d, want 2 and 1", len(oneLocal.OSM), len(oneOSM.OSM))
	}
	if _, err := importer.Decide(ctx, st, oneLocal.ID, importer.Decision{Accept: true, Partner: "osm:node/9"}); place.ErrorCode(err) != place.EINVALID {
		t.Errorf("a partner not among the candidates: %v", err)
	}
	if _, err := importer.Decide(ctx, st, oneLocal.ID, importer.Decision{Accept: true, Partner: "osm:node/4", Take: []string{"website"}}); err != nil {
		t.Fatal(err)
	}
	twin, _ := st.Asset(ctx, "twin")
	if twin.Tags[osm.LinkTag] != "osm:node/4" || twin.Website != "https://stmarys.example.org" || twin.Name != "St Mary's" {
		t.Errorf("twin after review: %+v", twin)
	}
	if _, err := importer.Decide(ctx, st, oneOSM.ID, importer.Decision{Accept: true, Partner: "hall-b"}); err != nil {
		t.Fatal(err)
	}
	if b, _ := st.Asset(ctx, "hall-b"); b.Tags[osm.LinkTag] != "osm:way/6" || b.Category != "community_hall" {
		t.Errorf("hall-b after review: %+v", b)
	}
	// Conflating again: both links hold by OSM id; node/5 is only in OSM
	// and hall-a only here.
	held, _ = st.Assets(ctx, storeAll())
	again := osm.Conflate(held.Assets, fromOSM)
	got := map[string]string{}
	for _, m := range again {
		k := ""
		if m.Local != nil {
			k = m.Local.ID
		}
		if m.OSM != nil {
			k += "|" + m.OSM.SourceID
		}
		got[k] = string(m.Outcome) + " " + m.By
	}
	want := map[string]string{"twin|osm:node/4": "matched osm id", "hall-b|osm:way/6": "matched osm id", "|osm:node/5": "only_osm ", "hall-a": "only_local "}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q (all %v)", k, got[k], v, got)
		}
	}
	// A linked asset is OSM's already: the export offers only hall-a, on
	// the word of this conflation.
	c, err := importer.Contribution(ctx, st, &importer.Conflation{File: "t.osm", Local: held.Assets, OSM: fromOSM, Matches: again})
	if err != nil || len(c.Create) != 1 || c.Create[0].Tags["name"] != "Abbey Hall" {
		t.Errorf("contribution after review: %+v, %v", c.Create, err)
	}
}

// TestAdoptKeepsWhatItDoesNotTake: adopting no keys changes nothing but the
// link; adopting some changes only those.
func TestAdoptKeepsWhatItDoesNotTake(t *testing.T) {
	a := pt("a", "", "Heeley Hub", "community_centre", -1.47, 53.36)
	a.Address, a.Postcode, a.OpeningHours, a.Phone = "12 Gleadless Road, Sheffield", "S2 3AA", "Mo-Fr 09:00-17:00", "0114 000"
	a.Status = place.Closed
	a.Tags = map[string]string{"wheelchair": "yes", "placemap:note": "kept"}
	o := pt("", "osm:node/1", "Heeley Community Hub", "community_centre", -1.47, 53.36)
	o.OpeningHours, o.Tags = "Mo-Sa 09:00-17:00", map[string]string{"wheelchair": "limited"}
	got, err := osm.Adopt(a, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != a.Name || got.Address != a.Address || got.Postcode != a.Postcode || got.OpeningHours != a.OpeningHours ||
		got.Status != place.Closed || got.Category != a.Category || got.Tags["wheelchair"] != "yes" || got.Tags["placemap:note"] != "kept" ||
		got.Tags[osm.LinkTag] != "osm:node/1" || got.Attribution != "" {
		t.Errorf("adopt nothing: %+v", got)
	}
	got, err = osm.Adopt(a, o, []string{"opening_hours", "wheelchair", "phone"})
	if err != nil {
		t.Fatal(err)
	}
	if got.OpeningHours != "Mo-Sa 09:00-17:00" || got.Tags["wheelchair"] != "limited" || got.Phone != "" || got.Name != "Heeley Hub" ||
		got.Attribution != osm.Attribution {
		t.Errorf("adopt three: %+v", got)
	}
}

func storeAll() store.AssetQuery { return store.AssetQuery{} }
