package reconcile

import (
	"context"
	"reflect"
	"testing"

	"github.com/placemap/placemap/internal/place"
)

// TestSheffieldWardChanges classifies the real change from Sheffield's
// wards of 2004-2016 (WD13) to those in force since 2016 (WD19) and pins
// six wards, each checked against its shares.
func TestSheffieldWardChanges(t *testing.T) {
	old := benchAreas(t, "ons/electoral__eng__wards_by_lad__E08000019.json")
	new := benchAreas(t, "ons-2019/sheffield_wards_2019.geojson")
	changes := func() []place.AreaChange {
		links, err := SuccessorLinks(context.Background(), "wards-2013", old, "wards-2019", new)
		if err != nil {
			t.Fatal(err)
		}
		return place.ClassifyChanges("wards-2013", Refs(old), "wards-2019", Refs(new), links)
	}
	got := changes()
	if again := changes(); !reflect.DeepEqual(got, again) {
		t.Fatal("the change report differs between two runs on the same data")
	}
	newName := map[string]string{}
	for _, a := range new {
		newName[a.Code] = a.Name
	}
	byName := map[string]place.AreaChange{}
	for _, c := range got {
		if c.Set == "wards-2019" {
			t.Errorf("2019 ward %s (%s) has no predecessor", c.Name, c.Code)
			continue
		}
		byName[c.Name] = c
		if len(c.Successors) == 0 {
			t.Errorf("2013 ward %s has no successor", c.Name)
		}
		sum := 0.0
		for _, l := range c.Successors {
			sum += l.ShareOfOld
		}
		if sum < 0.97 || sum > 1.0001 {
			t.Errorf("2013 ward %s: its successors hold %.3f of it, want all of it (both releases cover the city)", c.Name, sum)
		}
	}
	if len(byName) != 28 {
		t.Errorf("%d 2013 wards classified, want 28", len(byName))
	}
	main := func(c place.AreaChange) place.Successor { return c.Successors[0] }
	for _, tc := range []struct {
		name, change, successor string
		check                   func(c place.AreaChange) bool
		why                     string
	}{
		// Same lines, new code and name (E05001039 → E05010876).
		{"Arbourthorne", "renamed", "Park and Arbourthorne", func(c place.AreaChange) bool { return main(c).IoU >= place.SameIoU && main(c).NewCode != c.Code },
			"IoU ≥ 0.99 under a new code"},
		// Most of Broomhill went into Broomhill & Sharrow Vale, lines moved.
		{"Broomhill", "redrawn", "Broomhill and Sharrow Vale", func(c place.AreaChange) bool {
			return main(c).ShareOfOld > 0.8 && main(c).IoU < place.SameIoU && c.Successors[1].ShareOfOld < place.PartShare
		}, "over 80% in one ward, the rest in parts under 20%"},
		// The city centre ward was cut in two large parts.
		{"Central", "split", "City", func(c place.AreaChange) bool {
			return main(c).ShareOfOld > 0.6 && c.Successors[1].ShareOfOld >= place.PartShare && newName[c.Successors[1].NewCode] == "Nether Edge and Sharrow"
		}, "two thirds to City, a quarter to Nether Edge and Sharrow"},
		{"Walkley", "split", "Walkley", func(c place.AreaChange) bool {
			return c.Successors[1].ShareOfOld >= place.PartShare && newName[c.Successors[1].NewCode] == "Hillsborough"
		}, "about a quarter to Hillsborough"},
		{"Ecclesall", "split", "Ecclesall", func(c place.AreaChange) bool {
			return main(c).ShareOfOld < 0.6 && c.Successors[1].ShareOfOld >= place.PartShare && newName[c.Successors[1].NewCode] == "Fulwood"
		}, "just over half kept, a fifth each to Fulwood and Dore & Totley"},
		{"Firth Park", "redrawn", "Firth Park", func(c place.AreaChange) bool { return main(c).ShareOfOld > 0.95 && main(c).IoU < place.SameIoU },
			"nearly all in one ward, lines moved"},
	} {
		c, ok := byName[tc.name]
		if !ok {
			t.Errorf("no 2013 ward named %s", tc.name)
			continue
		}
		if string(c.Change) != tc.change || newName[c.Main] != tc.successor || !tc.check(c) {
			t.Errorf("%s: %s, main successor %s, links %+v; want %s into %s (%s)", tc.name, c.Change, newName[c.Main], c.Successors, tc.change, tc.successor, tc.why)
		}
	}
}
