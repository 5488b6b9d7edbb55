// Package basemap makes placemap's own street basemap from an OpenStreetMap
// extract: which objects become which layer (Classify), their geometry
// simplified per zoom band (Features), the streets and places search reads
// (Names), and the import that replaces the stored basemap (Import).
package basemap

// The layers of the basemap's tiles.
const (
	Roads     = "roads"     // class: motorway, trunk, primary, secondary, tertiary, minor, service
	Paths     = "paths"     // class: footway, cycleway, path, steps, bridleway, pedestrian
	Railways  = "railways"  // class: rail, light_rail, subway, tram, narrow_gauge
	Waterways = "waterways" // lines; class: river, canal, stream, drain, ditch, coastline
	Water     = "water"     // polygons; class: water, reservoir, riverbank
	Landuse   = "landuse"   // polygons; class: park, wood, grass
	Buildings = "buildings" // polygons; class: building
	Places    = "places"    // points; class: city, town, suburb, village, quarter, neighbourhood, hamlet
)

// Layers are the tile layers, in drawing order (bottom first).
var Layers = []string{Landuse, Water, Waterways, Buildings, Paths, Railways, Roads, Places}

// Kind is what Classify makes of an object's tags.
type Kind struct {
	Layer string // "" when the basemap does not draw it
	Class string
	// Road is the road's own class as search shows it (the highway value
	// without _link: primary, residential, footway…); "" for non-roads.
	Road    string
	MinZoom int  // the first zoom it shows at
	Area    bool // drawn as a polygon; else a line, or a point for places
}

var roadClasses = map[string]struct {
	class string
	zoom  int
}{
	"motorway": {"motorway", 5}, "motorway_link": {"motorway", 9},
	"trunk": {"trunk", 6}, "trunk_link": {"trunk", 9},
	"primary": {"primary", 8}, "primary_link": {"primary", 11},
	"secondary": {"secondary", 9}, "secondary_link": {"secondary", 12},
	"tertiary": {"tertiary", 10}, "tertiary_link": {"tertiary", 12},
	"residential": {"minor", 12}, "unclassified": {"minor", 12}, "living_street": {"minor", 12},
	"road": {"minor", 12}, "busway": {"minor", 12},
	"service": {"service", 14}, "track": {"service", 14},
	"footway": {"footway", 14}, "cycleway": {"cycleway", 13}, "path": {"path", 14},
	"steps": {"steps", 15}, "bridleway": {"bridleway", 14}, "pedestrian": {"pedestrian", 13},
}

var pathClasses = map[string]bool{"footway": true, "cycleway": true, "path": true, "steps": true, "bridleway": true, "pedestrian": true}

var railClasses = map[string]int{"rail": 8, "light_rail": 11, "subway": 12, "tram": 12, "narrow_gauge": 12}

var waterwayClasses = map[string]int{"river": 8, "canal": 10, "stream": 13, "drain": 14, "ditch": 14}

var placeZooms = map[string]int{"city": 4, "town": 8, "suburb": 11, "village": 11, "quarter": 13, "neighbourhood": 14, "hamlet": 13}

// Classify says which layer, class and zoom an object with these tags
// belongs to, or Kind{} when the basemap leaves it out. Tags are checked
// in order of importance: a way tagged highway and building is a road.
// Only reads tags (osm.Options.Keep calls it from several goroutines).
func Classify(tags map[string]string) Kind {
	if v, ok := tags["highway"]; ok {
		if c, ok := roadClasses[v]; ok && tags["area"] != "yes" {
			layer := Roads
			if pathClasses[v] {
				layer = Paths
			}
			road := v
			if n := len(v); n > 5 && v[n-5:] == "_link" {
				road = v[:n-5]
			}
			return Kind{Layer: layer, Class: c.class, Road: road, MinZoom: c.zoom}
		}
	}
	if z, ok := railClasses[tags["railway"]]; ok && tags["service"] == "" {
		return Kind{Layer: Railways, Class: tags["railway"], MinZoom: z}
	}
	if k, ok := classifyWater(tags); ok {
		return k
	}
	if k, ok := classifyGreen(tags); ok {
		return k
	}
	if b, ok := tags["building"]; ok && b != "no" {
		return Kind{Layer: Buildings, Class: "building", MinZoom: 14, Area: true}
	}
	if z, ok := placeZooms[tags["place"]]; ok && tags["name"] != "" {
		return Kind{Layer: Places, Class: tags["place"], MinZoom: z}
	}
	return Kind{}
}

func classifyWater(tags map[string]string) (Kind, bool) {
	if tags["natural"] == "coastline" {
		return Kind{Layer: Waterways, Class: "coastline", MinZoom: 0}, true
	}
	w := tags["waterway"]
	if z, ok := waterwayClasses[w]; ok {
		return Kind{Layer: Waterways, Class: w, MinZoom: z}, true
	}
	switch {
	case w == "riverbank":
		return Kind{Layer: Water, Class: "riverbank", MinZoom: 8, Area: true}, true
	case tags["landuse"] == "reservoir" || tags["landuse"] == "basin":
		return Kind{Layer: Water, Class: "reservoir", MinZoom: 8, Area: true}, true
	case tags["natural"] == "water":
		return Kind{Layer: Water, Class: "water", MinZoom: 8, Area: true}, true
	}
	return Kind{}, false
}

func classifyGreen(tags map[string]string) (Kind, bool) {
	switch tags["leisure"] {
	case "park", "garden", "nature_reserve", "playground", "common":
		return Kind{Layer: Landuse, Class: "park", MinZoom: 9, Area: true}, true
	case "pitch", "golf_course", "recreation_ground":
		return Kind{Layer: Landuse, Class: "grass", MinZoom: 11, Area: true}, true
	}
	switch tags["landuse"] {
	case "forest":
		return Kind{Layer: Landuse, Class: "wood", MinZoom: 8, Area: true}, true
	case "grass", "meadow", "recreation_ground", "village_green", "cemetery", "allotments":
		return Kind{Layer: Landuse, Class: "grass", MinZoom: 11, Area: true}, true
	}
	switch tags["natural"] {
	case "wood":
		return Kind{Layer: Landuse, Class: "wood", MinZoom: 8, Area: true}, true
	case "scrub", "heath", "grassland":
		return Kind{Layer: Landuse, Class: "grass", MinZoom: 11, Area: true}, true
	}
	return Kind{}, false
}

// Keep is osm.Options.Keep for the basemap: the objects Classify draws.
func Keep(tags map[string]string) bool { return Classify(tags).Layer != "" }

// usedTags are the tags Classify and the import read, and the relation
// type the OSM reader builds multipolygons by.
var usedTags = []string{"highway", "area", "railway", "service", "natural", "waterway", "water", "landuse", "leisure",
	"building", "place", "name", "ref", "type"}

// Trim is osm.Options.Trim for the basemap: only the tags it reads, so an
// extract whose roads carry dozens of tags (TIGER's in the US) is held
// small until its geometry is built.
func Trim(tags map[string]string) map[string]string {
	out := make(map[string]string, 4)
	for _, k := range usedTags {
		if v, ok := tags[k]; ok {
			out[k] = v
		}
	}
	return out
}
