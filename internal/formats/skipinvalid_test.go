package formats_test

import (
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/place"
)

// TestReadBoundariesSkipInvalid: with SkipInvalid every feature that
// cannot be an area is left out and listed with its index, code and why;
// without it the same file is refused; a file with no valid feature is
// refused either way.
func TestReadBoundariesSkipInvalid(t *testing.T) {
	sq := `{"type":"Polygon","coordinates":[[[-1.5,53.3],[-1.4,53.3],[-1.4,53.4],[-1.5,53.4],[-1.5,53.3]]]}`
	file := `{"type":"FeatureCollection","features":[
	{"type":"Feature","properties":{"code":"A","name":"Good"},"geometry":` + sq + `},
	{"type":"Feature","properties":{"code":"B","name":"Collapsed"},"geometry":{"type":"Polygon","coordinates":[[[-1.5,53.3],[-1.4,53.3],[-1.5,53.3],[-1.4,53.3],[-1.5,53.3]]]}},
	{"type":"Feature","properties":{"name":"No code"},"geometry":` + sq + `},
	{"type":"Feature","properties":{"code":"A","name":"Again"},"geometry":` + sq + `},
	{"type":"Feature","properties":{"code":"C","name":"Point"},"geometry":{"type":"Point","coordinates":[-1.5,53.3]}},
	{"type":"Feature","properties":{"code":"D","name":"Short"},"geometry":{"type":"Point","coordinates":[-1.5]}},
	{"type":"Feature","properties":{"code":"E","name":"Null"},"geometry":null},
	{"type":"Feature","properties":{"code":"F","name":"Also good"},"geometry":` + sq + `}]}`
	if _, err := formats.ReadBoundaries(strings.NewReader(file), "f.geojson", formats.BoundaryOptions{}); place.ErrorCode(err) != place.EINVALID {
		t.Fatalf("without SkipInvalid: %v, want the file refused", err)
	}
	bf, err := formats.ReadBoundaries(strings.NewReader(file), "f.geojson", formats.BoundaryOptions{SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, a := range bf.Areas {
		codes = append(codes, a.Code)
	}
	if strings.Join(codes, ",") != "A,F" || bf.Features != 8 {
		t.Errorf("areas %v of %d features, want A,F of 8", codes, bf.Features)
	}
	want := []struct {
		index     int
		code, why string
	}{
		{1, "B", "no repair gives a valid polygon"},
		{2, "", `property "code" (the code) is missing`},
		{3, "A", "also the code of feature 0"},
		{4, "C", "geometry is a Point, want Polygon or MultiPolygon"},
		{5, "D", "the position has 1 coordinate"},
		{6, "E", "geometry is missing"},
	}
	if len(bf.Skipped) != len(want) {
		t.Fatalf("skipped %+v", bf.Skipped)
	}
	for i, w := range want {
		s := bf.Skipped[i]
		if s.Index != w.index || s.Code != w.code || !strings.Contains(s.Reason, w.why) {
			t.Errorf("skipped[%d] = %+v, want index %d code %q saying %q", i, s, w.index, w.code, w.why)
		}
	}
	none := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"D"},"geometry":{"type":"Point","coordinates":[-1.5]}}]}`
	if _, err := formats.ReadBoundaries(strings.NewReader(none), "none.geojson", formats.BoundaryOptions{SkipInvalid: true}); place.ErrorCode(err) != place.EINVALID || !strings.Contains(err.Error(), "every one of the 1 features is invalid") {
		t.Errorf("no valid feature: %v", err)
	}
}
