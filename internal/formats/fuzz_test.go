package formats

import (
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
)

// The readers take files from anyone: whatever the bytes, they must not
// panic, and a refusal must be an EINVALID error that names the file, so
// that the HTTP layer answers 400 and not 500.

func checkFuzzErr(t *testing.T, name string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if code := place.ErrorCode(err); code != place.EINVALID {
		t.Fatalf("error code %q, want %q: %v", code, place.EINVALID, err)
	}
	if !strings.HasPrefix(err.Error(), name+": ") {
		t.Fatalf("error does not start with the file name: %v", err)
	}
}

func FuzzReadBoundaries(f *testing.F) {
	f.Add(fc("", `{"code": "A", "name": "Alpha"}|`+square1, `{"code": "B"}|`+square2))
	f.Add(fc(`{"type": "name", "properties": {"name": "EPSG:27700"}}`, `{"code": "A"}|`+bngSquare))
	f.Add(fc("", `{"name": "North"}|`+bowtie, `{"name": "North"}|`+openRing))
	f.Add(fc("", `{"WD13CD": "E1"}|`+swapped, `{"WD13CD": "E2"}|`+square3))
	f.Add(`{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": null, "geometry": {"type": "GeometryCollection", "geometries": []}}]}`)
	f.Fuzz(func(t *testing.T, src string) {
		_, err := ReadBoundaries(strings.NewReader(src), "f.geojson", BoundaryOptions{})
		checkFuzzErr(t, "f.geojson", err)
	})
}

func FuzzReadAssets(f *testing.F) {
	f.Add("name,lon,lat,category\nA,-1.47,53.38,library\n")
	f.Add("name,easting,northing,amenity\n\"A, B\",435260,387200,library\n")
	f.Add(bom + "name,x,y\n,,\n")
	f.Add(fc("", `{"name": "A", "tags": {"amenity": "library"}}|`+point, `{"name": "B", "leisure": "park"}|`+square1))
	f.Fuzz(func(t *testing.T, src string) {
		_, err := ReadAssets(strings.NewReader(src), "a.csv", AssetOptions{})
		checkFuzzErr(t, "a.csv", err)
	})
}

func FuzzReadLookup(f *testing.F) {
	f.Add("OA,G,N\nE1,1,High Green\nE2,1,High Green\n")
	f.Add("OA,G,N\nE1,1,\"x\ny\"\nE1,2,z\n")
	f.Fuzz(func(t *testing.T, src string) {
		_, err := ReadLookup(strings.NewReader(src), "l.csv", "oa", "g", "n")
		checkFuzzErr(t, "l.csv", err)
	})
}
