package osm

import (
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
)

// boundaryPlaces are the place values that name a neighbourhood-sized
// area; mapped as areas, they are boundaries people recognise.
var boundaryPlaces = map[string]bool{"suburb": true, "quarter": true, "neighbourhood": true}

// areaProperties are the tags ToArea copies into Area.Properties, besides
// admin_level (as a number) and osm_id. docs/osm-tags.md lists them.
var areaProperties = []string{"boundary", "place", "border_type", "ref", "ref:gss", "wikidata", "wikipedia", "official_name", "population", "ISO3166-2"}

// Boundary reports whether tags describe a boundary worth reading as an
// area: boundary=administrative with an admin_level, boundary=political,
// or place=suburb, quarter or neighbourhood (as Keep, it also keeps such
// places mapped as nodes, which ToArea then refuses).
func Boundary(tags map[string]string) bool {
	switch tags["boundary"] {
	case "administrative":
		return AdminLevel(tags) > 0
	case "political":
		return true
	}
	return boundaryPlaces[tags["place"]]
}

// AdminLevel returns the admin_level tag as a number (2 for a country, 8
// for a city in most countries), 0 when it is absent or not a number. Of
// "6;8" it takes the first.
func AdminLevel(tags map[string]string) int {
	s := tags["admin_level"]
	if i := strings.IndexAny(s, ";,"); i >= 0 {
		s = s[:i]
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// ToArea maps an object with polygonal geometry to an area, ok false for
// any other (a node, a line, an incomplete relation). Set is left for the
// caller. Code is ref:gss when present (the ONS code UK boundaries carry),
// else osm-relation-123 or osm-way-45; Name is the name tag (name:en when
// there is none); Properties hold osm_id ("osm:relation/123"),
// admin_level as a number, and the tags of areaProperties present.
func ToArea(o Object) (place.Area, bool) {
	var mp orb.MultiPolygon
	switch g := o.Geometry.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	default:
		return place.Area{}, false
	}
	if len(mp) == 0 {
		return place.Area{}, false
	}
	a := place.Area{
		Code:       strings.TrimSpace(o.Tags["ref:gss"]),
		Name:       strings.TrimSpace(o.Tags["name"]),
		Properties: map[string]any{"osm_id": o.Ref()},
		Geometry:   mp,
	}
	if a.Code == "" {
		a.Code = "osm-" + o.Type + "-" + strconv.FormatInt(o.ID, 10)
	}
	if a.Name == "" {
		a.Name = strings.TrimSpace(o.Tags["name:en"])
	}
	if n := AdminLevel(o.Tags); n > 0 {
		a.Properties["admin_level"] = n
	}
	for _, k := range areaProperties {
		if v := o.Tags[k]; v != "" {
			a.Properties[k] = v
		}
	}
	return a, true
}
