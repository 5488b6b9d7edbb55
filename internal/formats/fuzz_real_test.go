package formats

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// Seeds from the real files in geodata/ (cut to a few records, so each
// fuzz iteration stays quick), beside the hand-made bad inputs above.

func readSeed(f *testing.F, path string) []byte {
	f.Helper()
	b, err := os.ReadFile("../../" + path)
	if err != nil {
		f.Fatalf("seed %s: %v", path, err)
	}
	return b
}

// firstFeatures keeps the first n features of a GeoJSON FeatureCollection.
func firstFeatures(f *testing.F, path string, n int) string {
	var fc map[string]json.RawMessage
	if err := json.Unmarshal(readSeed(f, path), &fc); err != nil {
		f.Fatalf("seed %s: %v", path, err)
	}
	var feats []json.RawMessage
	if err := json.Unmarshal(fc["features"], &feats); err != nil {
		f.Fatalf("seed %s: %v", path, err)
	}
	fc["features"], _ = json.Marshal(feats[:min(n, len(feats))])
	b, _ := json.Marshal(fc)
	return string(b)
}

// firstLines keeps the header and the first n rows of a CSV file.
func firstLines(f *testing.F, path string, n int) string {
	lines := bytes.SplitAfterN(readSeed(f, path), []byte("\n"), n+2)
	return string(bytes.Join(lines[:min(len(lines), n+1)], nil))
}

func FuzzReadBoundariesReal(f *testing.F) {
	f.Add(firstFeatures(f, "geodata/sheffield/ons/electoral__eng__wards_by_lad__E08000019.json", 2))
	f.Add(firstFeatures(f, "geodata/sheffield/ons/statistical__eng__oa_by_lad__E08000019.json", 3))
	f.Add(firstFeatures(f, "geodata/sheffield/community/data_neighbourhoods.geojson", 2))
	f.Fuzz(func(t *testing.T, src string) {
		_, err := ReadBoundaries(strings.NewReader(src), "b.geojson", BoundaryOptions{})
		checkFuzzErr(t, "b.geojson", err)
	})
}

func FuzzReadAssetsReal(f *testing.F) {
	f.Add(firstFeatures(f, "geodata/libraries/sheffield_libraries.geojson", 4))
	f.Add("name,easting,northing,category\nCentral Library,435260,387200,library\nFirth Park,437400,391500,library\n")
	f.Add("name,longitude,latitude,category,opening_hours\n\"Broomhill, S10\",-1.5029,53.3778,library,Mo-Fr 09:00-17:00\n")
	f.Fuzz(func(t *testing.T, src string) {
		_, err := ReadAssets(strings.NewReader(src), "a.geojson", AssetOptions{})
		checkFuzzErr(t, "a.geojson", err)
	})
}

func FuzzReadLookupReal(f *testing.F) {
	f.Add(firstLines(f, "geodata/sheffield/lookups/ref_OAs_2011_to_Sheff_100_nhoods_for_fb_db10022021.csv", 12))
	f.Fuzz(func(t *testing.T, src string) {
		_, err := ReadLookup(strings.NewReader(src), "l.csv", "OA_2011", "NHOOD_CODE", "NHOOD_NAME")
		checkFuzzErr(t, "l.csv", err)
	})
}

func FuzzReadIndicators(f *testing.F) {
	f.Add(firstLines(f, "geodata/sheffield/indicators/IoD2019_Sheffield_LSOA_combined.csv", 8))
	f.Add(firstLines(f, "geodata/sheffield/indicators/KS101EW_all_usual_residents__Sheffield_E08000019_OA.csv", 8))
	f.Add("code,pop\nE1,12\nE1,13\nE2,x\n")
	f.Add("code,pop\nE1,NaN\nE2,-Inf\nE3,1e400\n")
	cols := []IndicatorColumn{{Heading: "Index of Multiple Deprivation (IMD) Score", Name: "imd", Kind: "rate"}, {Heading: "pop", Kind: "count"}}
	f.Fuzz(func(t *testing.T, src string) {
		_, err := ReadIndicators(strings.NewReader(src), "i.csv", "LSOA code (2011)", cols)
		checkFuzzErr(t, "i.csv", err)
		_, err = ReadIndicators(strings.NewReader(src), "i.csv", "code", cols[1:])
		checkFuzzErr(t, "i.csv", err)
	})
}
