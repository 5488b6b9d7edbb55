package network

import "testing"

func TestFilter(t *testing.T) {
	tags := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	fw, bw := travel{forward: true}, travel{backward: true}
	tests := []struct {
		name   string
		mode   Mode
		tags   map[string]string
		travel travel
		why    string
	}{
		{"footway", Walk, tags("highway", "footway", "footway", "sidewalk"), both, ""},
		{"steps", Walk, tags("highway", "steps"), both, ""},
		{"pedestrian area", Walk, tags("highway", "pedestrian", "area", "yes"), both, ""},
		{"primary", Walk, tags("highway", "primary", "sidewalk", "no"), both, ""},
		{"trunk_link", Walk, tags("highway", "trunk_link"), both, ""},
		{"walk ignores oneway", Walk, tags("highway", "residential", "oneway", "yes"), both, ""},
		{"motorway", Walk, tags("highway", "motorway", "foot", "yes"), travel{}, "motorway"},
		{"motorway_link", Walk, tags("highway", "motorway_link"), travel{}, "motorway"},
		{"construction", Walk, tags("highway", "construction"), travel{}, "construction"},
		{"proposed", Walk, tags("highway", "proposed"), travel{}, "proposed"},
		{"raceway", Walk, tags("highway", "raceway"), travel{}, "raceway"},
		{"bus_guideway", Walk, tags("highway", "bus_guideway"), travel{}, "bus_guideway"},
		{"bus_stop", Walk, tags("highway", "bus_stop"), travel{}, "highway=bus_stop"},
		{"foot=no", Walk, tags("highway", "tertiary", "foot", "no"), travel{}, "foot=no"},
		{"foot=private", Walk, tags("highway", "service", "foot", "private"), travel{}, "foot=private"},
		{"access=private", Walk, tags("highway", "residential", "access", "private"), travel{}, "access=private"},
		{"access=no", Walk, tags("highway", "service", "access", "no"), travel{}, "access=no"},
		{"access=no foot=yes", Walk, tags("highway", "service", "access", "no", "foot", "yes"), both, ""},
		{"access=private foot=designated", Walk, tags("highway", "path", "access", "private", "foot", "designated"), both, ""},
		{"access=private foot=permissive", Walk, tags("highway", "track", "access", "private", "foot", "permissive"), both, ""},
		{"access=destination", Walk, tags("highway", "service", "access", "destination"), both, ""},

		{"cycleway", Cycle, tags("highway", "cycleway"), both, ""},
		{"residential", Cycle, tags("highway", "residential"), both, ""},
		{"path", Cycle, tags("highway", "path"), both, ""},
		{"path bicycle=no", Cycle, tags("highway", "path", "bicycle", "no"), travel{}, "bicycle=no"},
		{"track bicycle=no", Cycle, tags("highway", "track", "bicycle", "no"), travel{}, "bicycle=no"},
		{"footway", Cycle, tags("highway", "footway"), travel{}, "highway=footway without bicycle=yes"},
		{"footway bicycle=yes", Cycle, tags("highway", "footway", "bicycle", "yes"), both, ""},
		{"pedestrian bicycle=designated", Cycle, tags("highway", "pedestrian", "bicycle", "designated"), both, ""},
		{"steps", Cycle, tags("highway", "steps", "bicycle", "yes"), travel{}, "steps"},
		{"motorway", Cycle, tags("highway", "motorway"), travel{}, "motorway"},
		{"access=private", Cycle, tags("highway", "service", "access", "private"), travel{}, "access=private"},
		{"access=no bicycle=yes", Cycle, tags("highway", "service", "access", "no", "bicycle", "yes"), both, ""},
		{"oneway=yes", Cycle, tags("highway", "residential", "oneway", "yes"), fw, ""},
		{"oneway=1", Cycle, tags("highway", "residential", "oneway", "1"), fw, ""},
		{"oneway=true", Cycle, tags("highway", "residential", "oneway", "true"), fw, ""},
		{"oneway=-1", Cycle, tags("highway", "residential", "oneway", "-1"), bw, ""},
		{"oneway=no", Cycle, tags("highway", "residential", "oneway", "no"), both, ""},
		{"roundabout", Cycle, tags("highway", "primary", "junction", "roundabout"), fw, ""},
		{"roundabout oneway=no", Cycle, tags("highway", "primary", "junction", "roundabout", "oneway", "no"), both, ""},
		{"oneway:bicycle=no", Cycle, tags("highway", "residential", "oneway", "yes", "oneway:bicycle", "no"), both, ""},
		{"roundabout oneway:bicycle=no", Cycle, tags("highway", "primary", "junction", "roundabout", "oneway:bicycle", "no"), both, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode)+" "+tt.name, func(t *testing.T) {
			got, why := filter(tt.mode, tt.tags)
			if got != tt.travel || why != tt.why {
				t.Errorf("filter = %+v, %q; want %+v, %q", got, why, tt.travel, tt.why)
			}
		})
	}
}
