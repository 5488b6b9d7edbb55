package formats_test

import (
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/place"
)

// TestShortPositionsRefused: a position with fewer than two coordinates
// in any GeoJSON geometry placemap reads is an invalid-input error naming
// the feature and the position, not a point on Null Island.
func TestShortPositionsRefused(t *testing.T) {
	fc := func(geom string) string {
		return `{"type":"FeatureCollection","features":[` +
			`{"type":"Feature","properties":{"code":"A","name":"Fine","category":"library"},"geometry":{"type":"Polygon","coordinates":[[[-1.5,53.3],[-1.4,53.3],[-1.4,53.4],[-1.5,53.3]]]}},` +
			`{"type":"Feature","properties":{"code":"B","name":"Broken","category":"library"},"geometry":` + geom + `}]}`
	}
	for _, c := range []struct{ geom, want string }{
		{`{"type":"Point","coordinates":[-1.5]}`, "feature 1: geometry: Point: the position has 1 coordinate ([-1.5])"},
		{`{"type":"Point","coordinates":[]}`, "feature 1: geometry: Point: the position has 0 coordinates"},
		{`{"type":"Point","coordinates":null}`, `feature 1: geometry: Point: "coordinates" is missing`},
		{`{"type":"Point"}`, `feature 1: geometry: Point: "coordinates" is missing`},
		{`{"type":"MultiPoint","coordinates":[[-1.5,53.3],[-1.5]]}`, "feature 1: geometry: MultiPoint: position 1 has 1 coordinate"},
		{`{"type":"LineString","coordinates":[[-1.5,53.3],[]]}`, "feature 1: geometry: LineString: position 1 has 0 coordinates"},
		{`{"type":"Polygon","coordinates":[[[-1.5,53.3],[-1.4],[-1.4,53.4],[-1.5,53.3]]]}`, "feature 1: geometry: Polygon: ring 0, position 1 has 1 coordinate"},
		{`{"type":"MultiPolygon","coordinates":[[[[-1.5,53.3],[-1.4,53.3],[-1.4,53.4],[-1.5,53.3]]],[[[-1.5,53.3],[-1.4,53.3],[53.4],[-1.5,53.3]]]]}`, "feature 1: geometry: MultiPolygon: polygon 1, ring 0, position 2 has 1 coordinate"},
		{`{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1]}]}`, "feature 1: geometry: GeometryCollection: geometry 0: Point: the position has 1 coordinate"},
		{`{"type":"Polygon","coordinates":[-1.5,53.3]}`, "feature 1: geometry: Polygon: coordinates are nested wrongly"},
	} {
		_, aerr := formats.ReadAssetsGeoJSON(strings.NewReader(fc(c.geom)), "assets.geojson", formats.AssetOptions{})
		_, berr := formats.ReadBoundaries(strings.NewReader(fc(c.geom)), "areas.geojson", formats.BoundaryOptions{})
		for what, err := range map[string]error{"assets": aerr, "boundaries": berr} {
			if place.ErrorCode(err) != place.EINVALID || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s %s: %v, want invalid saying %q", what, c.geom, err, c.want)
			}
		}
	}
	// Heights are fine, and dropped.
	as, err := formats.ReadAssetsGeoJSON(strings.NewReader(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"High","category":"library"},"geometry":{"type":"Point","coordinates":[-1.5,53.3,120]}}]}`), "a.geojson", formats.AssetOptions{})
	if err != nil || len(as) != 1 || as[0].Geometry.Bound().Min != [2]float64{-1.5, 53.3} {
		t.Errorf("a position with a height: %v %v", as, err)
	}
}
