package network

// The walk and cycle filters: which OpenStreetMap ways the graph keeps, and
// in which directions they may be travelled. docs/network.md has the table.

// walkHighways are the highway values walked on, unless a tag forbids it.
var walkHighways = map[string]bool{
	"footway": true, "path": true, "steps": true, "pedestrian": true, "living_street": true,
	"residential": true, "service": true, "unclassified": true, "track": true, "bridleway": true,
	"cycleway": true, "corridor": true, "road": true,
	"tertiary": true, "tertiary_link": true, "secondary": true, "secondary_link": true,
	"primary": true, "primary_link": true, "trunk": true, "trunk_link": true,
	"sidewalk": true, "crossing": true, "platform": true,
}

// cycleHighways are the highway values cycled on unless bicycle=no;
// footway and pedestrian need bicycle=yes or designated.
var cycleHighways = map[string]bool{
	"cycleway": true, "path": true, "bridleway": true, "track": true, "living_street": true,
	"residential": true, "service": true, "unclassified": true, "road": true,
	"tertiary": true, "tertiary_link": true, "secondary": true, "secondary_link": true,
	"primary": true, "primary_link": true, "trunk": true, "trunk_link": true,
}

// never are the highway values no one walks or cycles on, and the reason
// a skipped way is counted under.
var never = map[string]string{
	"motorway": "motorway", "motorway_link": "motorway",
	"construction": "construction", "proposed": "proposed", "abandoned": "abandoned",
	"raceway": "raceway", "bus_guideway": "bus_guideway",
}

// travel says in which directions a way may be travelled: along its
// nodes' order (forward) and against it (backward).
type travel struct{ forward, backward bool }

var both = travel{true, true}

// filter decides whether mode keeps a way with these tags: the
// directions it may be travelled in, or the reason it is skipped.
func filter(mode Mode, tags map[string]string) (travel, string) {
	hw := tags["highway"]
	if why, ok := never[hw]; ok {
		return travel{}, why
	}
	if mode == Cycle {
		return cycleFilter(tags)
	}
	if !walkHighways[hw] {
		return travel{}, "highway=" + hw
	}
	if reason := noWay(tags, "foot"); reason != "" {
		return travel{}, reason
	}
	return both, ""
}

// noWay is the reason a way's access tags shut out the users of the key
// ("foot" or "bicycle"), or "".
func noWay(tags map[string]string, key string) string {
	switch v := tags[key]; v {
	case "no", "private", "use_sidepath":
		return key + "=" + v
	case "yes", "designated", "permissive":
		return ""
	}
	switch v := tags["access"]; v {
	case "no", "private":
		return "access=" + v
	}
	return ""
}

func cycleFilter(tags map[string]string) (travel, string) {
	hw := tags["highway"]
	bike := tags["bicycle"]
	switch {
	case hw == "steps":
		return travel{}, "steps"
	case hw == "footway" || hw == "pedestrian":
		if bike != "yes" && bike != "designated" {
			return travel{}, "highway=" + hw + " without bicycle=yes"
		}
	case !cycleHighways[hw]:
		return travel{}, "highway=" + hw
	}
	if reason := noWay(tags, "bicycle"); reason != "" {
		return travel{}, reason
	}
	return oneway(tags), ""
}

// oneway reads the one-way tags for a cyclist: oneway=yes|1|true forward
// only, -1 backward only, a roundabout forward only unless oneway=no;
// oneway:bicycle=no lifts them and oneway:bicycle=yes|-1 sets them.
func oneway(tags map[string]string) travel {
	t := both
	switch tags["oneway"] {
	case "yes", "1", "true":
		t = travel{forward: true}
	case "-1", "reverse":
		t = travel{backward: true}
	case "no", "false", "0":
	default:
		if j := tags["junction"]; j == "roundabout" || j == "circular" {
			t = travel{forward: true}
		}
	}
	switch tags["oneway:bicycle"] {
	case "no", "false", "0":
		t = both
	case "yes", "1", "true":
		t = travel{forward: true}
	case "-1":
		t = travel{backward: true}
	}
	return t
}

// keepTags are the tags the filters read: Build trims every way to them.
var keepTags = []string{"highway", "foot", "bicycle", "access", "oneway", "oneway:bicycle", "junction", "area"}

func trim(tags map[string]string) map[string]string {
	out := make(map[string]string, 4)
	for _, k := range keepTags {
		if v, ok := tags[k]; ok {
			out[k] = v
		}
	}
	return out
}
