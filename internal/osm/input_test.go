package osm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
)

// TestNoPositionRefused: an object read without a position (OSM XML
// without lat and lon, Overpass JSON with a center or geometry point
// lacking them) is an invalid-input error naming it, not an asset on Null
// Island; a tag holding a NUL byte or bytes that are not UTF-8 is refused
// too, as no store keeps it alike.
func TestNoPositionRefused(t *testing.T) {
	for _, c := range []struct{ name, file, want string }{
		{"a.osm", `<osm version="0.6"><node id="1" version="1"><tag k="amenity" v="library"/><tag k="name" v="Nowhere"/></node></osm>`,
			"osm:node/1: it has no position"},
		{"a.json", `{"elements":[{"type":"way","id":2,"center":{"lat":53.3},"tags":{"amenity":"library","name":"Half"}}]}`,
			"osm:way/2: center lacks lat or lon"},
		{"a.json", `{"elements":[{"type":"way","id":3,"nodes":[1,2,3,1],"geometry":[{"lat":53.3,"lon":-1.5},{"lat":53.4},{"lat":53.4,"lon":-1.4},{"lat":53.3,"lon":-1.5}],"tags":{"amenity":"library","name":"Half"}}]}`,
			"osm:way/3: geometry point 1 lacks lat or lon"},
		{"a.json", `{"elements":[{"type":"node","id":4,"lat":53.3,"lon":-1.5,"tags":{"amenity":"library","name":"Lib\u0000rary"}}]}`,
			`osm:node/4: tag "name" holds a NUL byte`},
		{"a.osm", "<osm version=\"0.6\"><node id=\"5\" version=\"1\" lat=\"53.3\" lon=\"-1.5\"><tag k=\"amenity\" v=\"library\"/><tag k=\"name\" v=\"caf\xe9\"/></node></osm>",
			"invalid UTF-8"}, // the XML decoder refuses it first
	} {
		var kept []osm.Object
		_, err := osm.Read(context.Background(), osm.Bytes([]byte(c.file)), c.name, osm.Options{Sites: true}, func(o osm.Object) error {
			kept = append(kept, o)
			return nil
		})
		if place.ErrorCode(err) != place.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v (kept %v), want invalid saying %q", c.file, err, kept, c.want)
		}
	}
}
