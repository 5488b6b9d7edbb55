package osm

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
)

func asset(id, src, name, cat string, lon, lat float64) place.Asset {
	return place.Asset{ID: id, SourceID: src, Name: name, Category: cat, Status: place.Open, Geometry: orb.Point{lon, lat}, Tags: map[string]string{}}
}

func TestConflate(t *testing.T) {
	local := []place.Asset{
		asset("l-id", "osm:node/1", "Old Name Library", "library", -1.5, 53.4),               // matched by id though renamed and moved
		asset("l-near", "", "Heeley Community Centre", "community_centre", -1.4700, 53.3600), // OSM has it as a town hall, 40 m off
		asset("l-far", "", "Meersbrook Hall", "community_hall", -1.4800, 53.3500),            // nothing near
		asset("l-wrong", "", "Heeley Library", "library", -1.4600, 53.3700),                  // a park of that name lies near: no match
		asset("l-twin", "", "St Mary's", "place_of_worship", -1.4500, 53.3800),               // two OSM objects fit it
	}
	fromOSM := []place.Asset{
		asset("", "osm:node/1", "New Name Library", "library", -1.5010, 53.4010),
		asset("", "osm:way/2", "Heeley Community Centre", "town_hall", -1.4705, 53.3602),
		asset("", "osm:node/3", "Heeley Library Gardens", "park", -1.4601, 53.3701),
		asset("", "osm:node/4", "St Mary's Church", "place_of_worship", -1.4501, 53.3801),
		asset("", "osm:node/5", "St Mary's Hall", "place_of_worship", -1.4502, 53.3799),
		asset("", "osm:node/6", "Lonely Toilets", "toilets", 0, 51),
	}
	got := map[string]string{}
	for _, m := range Conflate(local, fromOSM) {
		key := ""
		if m.Local != nil {
			key = m.Local.ID
		}
		if m.OSM != nil {
			key += "|" + m.OSM.SourceID
		}
		got[key] = string(m.Outcome) + " " + strings.Join(m.Candidates, ",")
	}
	want := map[string]string{
		"l-id|osm:node/1":  "matched ",
		"l-near|osm:way/2": "matched ",
		"l-far":            "only_local ",
		"l-wrong":          "only_local ",
		"|osm:node/3":      "only_osm ",
		"|osm:node/6":      "only_osm ",
		"l-twin":           "ambiguous osm:node/4,osm:node/5",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("outcomes %v, want %v", got, want)
	}
}

func TestCompatible(t *testing.T) {
	if !Compatible("village_hall", "town_hall") || Compatible("library", "park") || !Compatible("park", "garden") {
		t.Error("Compatible")
	}
}

func TestContributionAndWriters(t *testing.T) {
	assets := []place.Asset{
		asset("new", "", `Caf\u00e9 "&" <Hall>`, "community_hall", -1.47, 53.36),
		asset("cc-by", "", "Licensed Hall", "community_hall", -1.47, 53.36),
		asset("osm-edited", "osm:node/42", "Library", "library", -1.5, 53.4),
		asset("osm-way", "osm:way/43", "Park", "park", -1.5, 53.4),
		asset("osm-same", "osm:node/44", "Toilets", "toilets", -1.5, 53.4),
	}
	assets[0].Licence, assets[1].Licence = "own-survey", "CC-BY-4.0"
	for i := 2; i < 5; i++ {
		assets[i].Licence, assets[i].Version = "ODbL-1.0", 2
		assets[i].Tags[KeyVersion] = "7"
	}
	assets[4].Version = 1
	c := Contribution(assets, map[string]Standing{
		"new":        {Verdict: &place.Verdict{AssetID: "new", Outcome: place.OutcomeOnlyLocal, File: "a.osm"}},
		"osm-edited": {Base: map[string]string{"amenity": "library", "name": "Library"}},
		"osm-way":    {Base: map[string]string{"leisure": "park", "name": "Park"}},
	})
	if len(c.Create) != 1 || len(c.Modify) != 1 || len(c.Blocked) != 2 {
		t.Fatalf("create %d, modify %d, blocked %v", len(c.Create), len(c.Modify), c.Blocked)
	}
	if m := c.Modify[0]; m.ID != 42 || m.Version != 7 || m.Tags["amenity"] != "library" {
		t.Errorf("modify = %+v", m)
	}
	for _, write := range []func(*bytes.Buffer, Changes) error{
		func(b *bytes.Buffer, c Changes) error { return WriteOsmChange(b, c) },
		func(b *bytes.Buffer, c Changes) error { return WriteJOSM(b, c) },
	} {
		var b bytes.Buffer
		if err := write(&b, c); err != nil {
			t.Fatal(err)
		}
		// Well-formed XML, names escaped.
		d := xml.NewDecoder(&b)
		for {
			if _, err := d.Token(); err != nil {
				if err.Error() != "EOF" {
					t.Errorf("not well-formed: %v", err)
				}
				break
			}
		}
	}
	var b bytes.Buffer
	_ = WriteJOSM(&b, c)
	if !strings.Contains(b.String(), `action="modify"`) || !strings.Contains(b.String(), `&#34;&amp;&#34; &lt;Hall&gt;`) {
		t.Errorf("JOSM file:\n%s", b.String())
	}
}
