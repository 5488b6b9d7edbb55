package access

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
)

func TestNormalise(t *testing.T) {
	for _, c := range []struct {
		name string
		p    Params
		want string // in the error; "" for none
	}{
		{"defaults", Params{Category: "library", From: "oa"}, ""},
		{"unknown category", Params{Category: "castle", From: "oa"}, `category "castle"`},
		{"no set", Params{Category: "library"}, "from"},
		{"bad status", Params{Category: "library", From: "oa", Statuses: []place.Status{"gone"}}, `status "gone"`},
		{"negative speed", Params{Category: "library", From: "oa", SpeedKmh: -1}, "speed_kmh"},
		{"too long", Params{Category: "library", From: "oa", MaxMinutes: 601}, "max_minutes"},
		{"bad mode", Params{Category: "library", From: "oa", Mode: "bus"}, `mode "bus"`},
		{"point out of range", Params{Category: "library", From: "oa", Open: []orb.Point{{1, 91}}}, "longitude,latitude"},
	} {
		p := c.p
		err := p.Normalise()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (place.ErrorCode(err) != place.EINVALID || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want EINVALID saying %q", c.name, err, c.want)
		}
	}
	p := Params{Category: "library", From: "oa"}
	if err := p.Normalise(); err != nil || p.SpeedKmh != 4.8 || p.MaxMinutes != 60 || p.Mode != "walk" || len(p.Statuses) != 2 || p.MaxMetres() != 4800 {
		t.Errorf("defaults = %+v, %v", p, err)
	}
}

func TestWords(t *testing.T) {
	for in, want := range map[string]string{"library": "libraries", "community_hall": "community halls", "day_centre": "day centres",
		"toilets": "toilets", "church": "churches", "arts_centre": "arts centres", "playground": "playgrounds", "family_hub": "family hubs"} {
		if got := plural(in); got != want {
			t.Errorf("plural(%q) = %q, want %q", in, got, want)
		}
	}
	if got := statusWords([]place.Status{place.Open, place.AtRisk}); got != "open or at risk" {
		t.Errorf("statusWords = %q", got)
	}
}

// TestMeanOfNoOne: an area where no resident reached an asset has no mean
// walk (null in JSON), not a mean of zero minutes.
func TestMeanOfNoOne(t *testing.T) {
	sums := map[string]map[string]float64{kPop: {"A": 120, "B": 80}, kMinutesPop: {"B": 800}, kReachedPop: {"B": 80}}
	for _, tc := range []struct {
		code string
		want string
	}{
		{"A", `"mean_minutes":null`},
		{"B", `"mean_minutes":10`},
	} {
		b, err := json.Marshal(areaAccess(tc.code, tc.code, sums, false))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), tc.want) {
			t.Errorf("area %s: %s, want %s", tc.code, b, tc.want)
		}
	}
}
