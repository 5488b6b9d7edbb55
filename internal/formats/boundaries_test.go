package formats

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

const geodata = "../../geodata/"

func readBoundaryFile(t *testing.T, path string, opts BoundaryOptions) BoundaryFile {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bf, err := ReadBoundaries(f, filepath.Base(path), opts)
	if err != nil {
		t.Fatalf("ReadBoundaries: %v", err)
	}
	return bf
}

func TestReadBoundariesRealFiles(t *testing.T) {
	tests := []struct {
		path                 string
		count                int
		codeField, nameField string
		crs                  string
		repaired             []string
		fromNames            bool
		code, name           string         // one area to check
		nprops               int            // how many properties it keeps
		props                map[string]any // some of them
	}{
		{"sheffield/ons/electoral__eng__wards_by_lad__E08000019.json", 28, "WD13CD", "WD13NM", "OGC:CRS84", nil, false,
			"E05001039", "Arbourthorne", 2, map[string]any{"WD13CDO": "00CGGG", "WD13NMW": nil}},
		{"sheffield/ons/electoral__eng__wpc_by_lad__E08000019.json", 6, "PCON13CD", "PCON13NM", "OGC:CRS84", nil, false,
			"E14000876", "Penistone and Stocksbridge", 1, map[string]any{"PCON13CDO": "D50"}},
		{"sheffield/ons/statistical__eng__msoa_by_lad__E08000019.json", 70, "MSOA11CD", "MSOA11NM", "OGC:CRS84", nil, false,
			"E02001611", "Sheffield 001", 0, nil},
		{"sheffield/ons/statistical__eng__lsoa_by_lad__E08000019.json", 345, "LSOA11CD", "LSOA11NM", "OGC:CRS84", nil, false,
			"E01007823", "Sheffield 069A", 0, nil},
		// Output Areas carry LAD11CD too, the same on every feature: the
		// unique OA11CD must win. OAs have no names. E00040635 is invalid.
		{"sheffield/ons/statistical__eng__oa_by_lad__E08000019.json", 1817, "OA11CD", "", "OGC:CRS84", []string{"E00040635"}, false,
			"E00039619", "E00039619", 1, map[string]any{"LAD11CD": "E08000019"}},
		{"sheffield/ons-2019/sheffield_wards_2019.geojson", 28, "WD19CD", "WD19NM", "", nil, false,
			"E05010884", "Woodhouse", 0, nil},
		// Community-drawn: names only, codes made from them.
		{"sheffield/community/data_neighbourhoods.geojson", 147, "", "name", "", nil, true,
			"lowedges-low-edges", "Lowedges / Low Edges", 13,
			map[string]any{"felt:id": "ddb46a46-7275-443f-a96d-6abdd055d834", "felt:locked": false, "felt:strokeWidth": 1.0}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			bf := readBoundaryFile(t, geodata+tt.path, BoundaryOptions{})
			if len(bf.Areas) != tt.count {
				t.Errorf("%d areas, want %d", len(bf.Areas), tt.count)
			}
			if bf.CodeField != tt.codeField || bf.NameField != tt.nameField {
				t.Errorf("fields %q, %q; want %q, %q", bf.CodeField, bf.NameField, tt.codeField, tt.nameField)
			}
			if bf.CRS != tt.crs {
				t.Errorf("CRS %q, want %q", bf.CRS, tt.crs)
			}
			if !reflect.DeepEqual(bf.Repaired, tt.repaired) {
				t.Errorf("repaired %v, want %v", bf.Repaired, tt.repaired)
			}
			if bf.CodesFromNames != tt.fromNames {
				t.Errorf("CodesFromNames %v, want %v", bf.CodesFromNames, tt.fromNames)
			}
			codes := map[string]bool{}
			var found *place.Area
			for i, a := range bf.Areas {
				if codes[a.Code] {
					t.Errorf("code %s twice", a.Code)
				}
				codes[a.Code] = true
				if a.Set != "" {
					t.Errorf("area %s: Set %q, want it left empty", a.Code, a.Set)
				}
				if err := a.Validate(); err != nil {
					t.Errorf("area %s: %v", a.Code, err)
				}
				if a.Code == tt.code {
					found = &bf.Areas[i]
				}
			}
			if found == nil {
				t.Fatalf("no area %s", tt.code)
			}
			if found.Name != tt.name {
				t.Errorf("area %s named %q, want %q", tt.code, found.Name, tt.name)
			}
			if len(found.Properties) != tt.nprops {
				t.Errorf("area %s has %d properties, want %d: %v", tt.code, len(found.Properties), tt.nprops, found.Properties)
			}
			for k, v := range tt.props {
				if got, ok := found.Properties[k]; !ok || got != v {
					t.Errorf("area %s property %s = %v, want %v", tt.code, k, got, v)
				}
			}
		})
	}
}

// TestReadBoundariesOA checks the repaired Output Area and that the others
// come through untouched.
func TestReadBoundariesOA(t *testing.T) {
	bf := readBoundaryFile(t, geodata+"sheffield/ons/statistical__eng__oa_by_lad__E08000019.json", BoundaryOptions{})
	for _, a := range bf.Areas {
		if a.Code != "E00040635" {
			continue
		}
		if len(a.Geometry) != 1 || len(a.Geometry[0]) != 2 {
			t.Errorf("E00040635 has %d polygons; want one with a shell and a hole", len(a.Geometry))
		}
		if got := geo.AreaM2(a.Geometry); math.Abs(got-594566) > 1 {
			t.Errorf("E00040635 measures %.0f m², want 594566", got)
		}
	}
}

func TestReadBoundariesBNG(t *testing.T) {
	// A 500 m square in central Sheffield, in British National Grid.
	const body = `"features": [{"type": "Feature", "properties": {"code": "S1"},
		"geometry": {"type": "Polygon", "coordinates": [[[435000, 387000], [435500, 387000], [435500, 387500], [435000, 387500], [435000, 387000]]]}}]}`
	for _, crsMember := range []string{
		`{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}`,
		`{"type": "name", "properties": {"name": "EPSG:27700"}}`,
		`{"type": "name", "properties": {"name": "http://www.opengis.net/def/crs/EPSG/0/27700"}}`,
		`{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG:6.6:27700"}}`,
		`{"type": "EPSG", "properties": {"code": 27700}}`,
	} {
		src := `{"type": "FeatureCollection", "crs": ` + crsMember + `, ` + body
		bf, err := ReadBoundaries(strings.NewReader(src), "bng.geojson", BoundaryOptions{})
		if err != nil {
			t.Errorf("crs %s: %v", crsMember, err)
			continue
		}
		if bf.CRS != "EPSG:27700" {
			t.Errorf("crs %s: CRS %q", crsMember, bf.CRS)
		}
		got := bf.Areas[0].Geometry[0][0][2]
		if want := geo.FromBNG(435500, 387500); got != want {
			t.Errorf("crs %s: corner %v, want %v", crsMember, got, want)
		}
		if a := geo.AreaM2(bf.Areas[0].Geometry); math.Abs(a-250000)/250000 > 0.002 {
			// The grid's scale factor near Sheffield is 0.9996.
			t.Errorf("crs %s: 500 m square measures %.0f m²", crsMember, a)
		}
		if len(bf.Notes) == 0 || !strings.Contains(strings.Join(bf.Notes, "\n"), "British National Grid") {
			t.Errorf("notes %q do not mention the reprojection", bf.Notes)
		}
	}
}

// fc builds a FeatureCollection from features written as
// properties|geometry pairs.
func fc(crsMember string, features ...string) string {
	var b strings.Builder
	b.WriteString(`{"type": "FeatureCollection", `)
	if crsMember != "" {
		b.WriteString(`"crs": ` + crsMember + `, `)
	}
	b.WriteString(`"features": [`)
	for i, f := range features {
		if i > 0 {
			b.WriteString(", ")
		}
		props, geom, _ := strings.Cut(f, "|")
		b.WriteString(`{"type": "Feature", "properties": ` + props + `, "geometry": ` + geom + `}`)
	}
	b.WriteString("]}")
	return b.String()
}

// Polygons used by the tests below.
const (
	square1   = `{"type": "Polygon", "coordinates": [[[-1.48, 53.38], [-1.47, 53.38], [-1.47, 53.39], [-1.48, 53.39], [-1.48, 53.38]]]}`
	square2   = `{"type": "Polygon", "coordinates": [[[-1.46, 53.38], [-1.45, 53.38], [-1.45, 53.39], [-1.46, 53.39], [-1.46, 53.38]]]}`
	square3   = `{"type": "MultiPolygon", "coordinates": [[[[-1.44, 53.38], [-1.43, 53.38], [-1.43, 53.39], [-1.44, 53.39], [-1.44, 53.38]]]]}`
	openRing  = `{"type": "Polygon", "coordinates": [[[-1.48, 53.38], [-1.47, 53.38], [-1.47, 53.39], [-1.48, 53.39]]]}`
	bowtie    = `{"type": "Polygon", "coordinates": [[[-1.49, 53.38], [-1.46, 53.41], [-1.46, 53.37], [-1.49, 53.40], [-1.49, 53.38]]]}`
	bngSquare = `{"type": "Polygon", "coordinates": [[[435000, 387000], [435500, 387000], [435500, 387500], [435000, 387500], [435000, 387000]]]}`
	swapped   = `{"type": "Polygon", "coordinates": [[[53.38, -1.48], [53.38, -1.47], [53.39, -1.47], [53.39, -1.48], [53.38, -1.48]]]}`
	mercator  = `{"type": "Polygon", "coordinates": [[[-164000, 7050000], [-163000, 7050000], [-163000, 7051000], [-164000, 7050000]]]}`
	point     = `{"type": "Point", "coordinates": [-1.47, 53.38]}`
)

func TestReadBoundariesDetection(t *testing.T) {
	tests := []struct {
		name                 string
		src                  string
		opts                 BoundaryOptions
		codeField, nameField string
		codes, names         []string
		fromNames            bool
	}{
		{"code and name", fc("", `{"code": "A", "name": "Alpha"}|`+square1, `{"code": "B", "name": "Beta"}|`+square2),
			BoundaryOptions{}, "code", "name", []string{"A", "B"}, []string{"Alpha", "Beta"}, false},
		{"numeric id, no name", fc("", `{"id": 1}|`+square1, `{"id": 20}|`+square2),
			BoundaryOptions{}, "id", "", []string{"1", "20"}, []string{"1", "20"}, false},
		{"capitalised", fc("", `{"Code": "A", "NAME": "Alpha"}|`+square1),
			BoundaryOptions{}, "Code", "NAME", []string{"A"}, []string{"Alpha"}, false},
		{"names only, repeated", fc("", `{"name": "North End"}|`+square1, `{"name": "North End"}|`+square2, `{"name": "Fir Vale & Page Hall"}|`+square3),
			BoundaryOptions{}, "", "name", []string{"north-end", "north-end-2", "fir-vale-and-page-hall"}, []string{"North End", "North End", "Fir Vale & Page Hall"}, true},
		{"ONS code with its name", fc("", `{"LAD11CD": "E08000019", "WD13CD": "E1", "WD13NM": "One", "name": "x"}|`+square1, `{"LAD11CD": "E08000019", "WD13CD": "E2", "WD13NM": "Two", "name": "y"}|`+square2),
			BoundaryOptions{}, "WD13CD", "WD13NM", []string{"E1", "E2"}, []string{"One", "Two"}, false},
		{"explicit fields, any case", fc("", `{"ward": "W1", "label": "Ward One", "WD13CD": "E1"}|`+square1),
			BoundaryOptions{CodeField: "WARD", NameField: "Label"}, "WARD", "Label", []string{"W1"}, []string{"Ward One"}, false},
		{"open ring", fc("", `{"code": "A"}|`+openRing),
			BoundaryOptions{}, "code", "", []string{"A"}, []string{"A"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bf, err := ReadBoundaries(strings.NewReader(tt.src), "test.geojson", tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if bf.CodeField != tt.codeField || bf.NameField != tt.nameField {
				t.Errorf("fields %q, %q; want %q, %q", bf.CodeField, bf.NameField, tt.codeField, tt.nameField)
			}
			var codes, names []string
			for _, a := range bf.Areas {
				codes = append(codes, a.Code)
				names = append(names, a.Name)
				for k := range a.Properties {
					if strings.EqualFold(k, tt.codeField) || strings.EqualFold(k, tt.nameField) {
						t.Errorf("area %s keeps its code or name field %q in Properties", a.Code, k)
					}
				}
			}
			if !reflect.DeepEqual(codes, tt.codes) || !reflect.DeepEqual(names, tt.names) {
				t.Errorf("codes %q names %q; want %q %q", codes, names, tt.codes, tt.names)
			}
			if bf.CodesFromNames != tt.fromNames {
				t.Errorf("CodesFromNames = %v", bf.CodesFromNames)
			}
			if tt.fromNames && !strings.Contains(strings.Join(bf.Notes, "\n"), "codes were made from") {
				t.Errorf("notes %q do not say codes were made up", bf.Notes)
			}
			for _, a := range bf.Areas {
				if r := a.Geometry[0][0]; r[0] != r[len(r)-1] {
					t.Errorf("area %s: ring not closed", a.Code)
				}
			}
		})
	}
}

func TestReadBoundariesErrors(t *testing.T) {
	const file = "wards.geojson"
	tests := []struct {
		name string
		src  string
		opts BoundaryOptions
		want []string // substrings of the error, besides the file name
	}{
		{"empty file", "  \n", BoundaryOptions{}, []string{"empty"}},
		{"bad JSON", "{\"type\": \"FeatureCollection\",\n \"features\": [\n{]}", BoundaryOptions{}, []string{"not valid JSON: line 3"}},
		{"features not a list", `{"type": "FeatureCollection", "features": {}}`, BoundaryOptions{}, []string{`member "features"`}},
		{"a Feature", `{"type": "Feature", "properties": {}, "geometry": null}`, BoundaryOptions{}, []string{"GeoJSON Feature; want a FeatureCollection"}},
		{"no type", `{"features": []}`, BoundaryOptions{}, []string{`no "type" member`}},
		{"no features", fc(""), BoundaryOptions{}, []string{"no features"}},
		{"web mercator crs", fc(`{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}`, `{"code": "A"}|`+square1),
			BoundaryOptions{}, []string{`crs "urn:ogc:def:crs:EPSG::3857" is not supported`}},
		{"linked crs", fc(`{"type": "link", "properties": {"href": "http://example.org/crs"}}`, `{"code": "A"}|`+square1),
			BoundaryOptions{}, []string{"links are not supported"}},
		{"BNG without crs", fc("", `{"code": "A"}|`+square1, `{"code": "E05001039"}|`+bngSquare),
			BoundaryOptions{}, []string{"feature 1 (code E05001039): geometry: coordinates look like British National Grid eastings/northings (EPSG:27700) but the file declares none; add a crs member or convert"}},
		{"BNG declared CRS84", fc(`{"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}`, `{"code": "A"}|`+bngSquare),
			BoundaryOptions{}, []string{"feature 0 (code A)", "British National Grid", "declares OGC:CRS84"}},
		{"degrees declared BNG", fc(`{"type": "name", "properties": {"name": "EPSG:27700"}}`, `{"code": "A"}|`+square1),
			BoundaryOptions{}, []string{"feature 0 (code A)", "declares British National Grid (EPSG:27700) but the coordinates look like longitude/latitude"}},
		{"swapped", fc("", `{"code": "A"}|`+swapped),
			BoundaryOptions{}, []string{"feature 0 (code A): geometry: latitude and longitude appear swapped"}},
		{"web mercator numbers", fc("", `{"code": "A"}|`+mercator),
			BoundaryOptions{}, []string{"feature 0 (code A): geometry: coordinate (-164000, 7.05e+06) is not a longitude/latitude"}},
		{"point", fc("", `{"code": "A"}|`+square1, `{"code": "B"}|`+point),
			BoundaryOptions{}, []string{"feature 1 (code B): geometry is a Point, want Polygon or MultiPolygon"}},
		{"null geometry", fc("", `{"code": "A"}|null`),
			BoundaryOptions{}, []string{"feature 0 (code A): geometry is missing"}},
		{"unknown geometry type", fc("", `{"code": "A"}|{"type": "Circle", "coordinates": [0, 0]}`),
			BoundaryOptions{}, []string{`feature 0: geometry: type "Circle" is not a GeoJSON geometry type`}},
		{"not a feature", `{"type": "FeatureCollection", "features": [{"type": "Thing"}]}`,
			BoundaryOptions{}, []string{`feature 0: type is "Thing"`}},
		{"properties not an object", `{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": 5, "geometry": null}]}`,
			BoundaryOptions{}, []string{`feature 0: member "properties" is a JSON number`}},
		{"duplicate code", fc("", `{"code": "A"}|`+square1, `{"code": "B"}|`+square2, `{"code": "A"}|`+square3),
			BoundaryOptions{}, []string{"feature 2 (code A): code A is also the code of feature 0"}},
		{"explicit code field missing", fc("", `{"WD13CD": "E1"}|`+square1, `{"wd": "E2"}|`+square2),
			BoundaryOptions{CodeField: "WD13CD"}, []string{`feature 1: property "WD13CD" (the code) is missing or empty (the feature has wd)`}},
		{"detected code field missing", fc("", `{"code": "A"}|`+square1, `{"name": "B"}|`+square2),
			BoundaryOptions{}, []string{`feature 1: property "code" (the code) is missing or empty`}},
		{"explicit name field missing", fc("", `{"code": "A", "ward": "One"}|`+square1, `{"code": "B"}|`+square2),
			BoundaryOptions{NameField: "ward"}, []string{`feature 1: property "ward" (the name) is missing or empty`}},
		{"nothing to use", fc("", `{"fill": "#fff", "colour": "red"}|`+square1, `{"stroke": 1}|`+square2),
			BoundaryOptions{}, []string{"cannot tell which property holds each area's code", "properties seen: colour, fill, stroke"}},
		{"name without letters", fc("", `{"name": "North"}|`+square1, `{"name": "--"}|`+square2),
			BoundaryOptions{}, []string{`feature 1: property "name": name "--" has no letters or digits`}},
		{"unrepairable", fc("", `{"code": "A"}|`+square1, `{"code": "E05001039"}|`+bowtie),
			BoundaryOptions{}, []string{"feature 1 (code E05001039): invalid geometry", "self-intersects at (-1.4800000, 53.3900000)", "would change the area by", "more than the 0.1% allowed"}},
		{"ring too short", fc("", `{"code": "A"}|{"type": "Polygon", "coordinates": [[[-1.48, 53.38], [-1.47, 53.38]]]}`),
			BoundaryOptions{}, []string{"feature 0 (code A)", "invalid geometry"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bf, err := ReadBoundaries(strings.NewReader(tt.src), file, tt.opts)
			if err == nil {
				t.Fatalf("ReadBoundaries = %d areas, nil error; want an error", len(bf.Areas))
			}
			if place.ErrorCode(err) != place.EINVALID {
				t.Errorf("code %q, want %q (%v)", place.ErrorCode(err), place.EINVALID, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, file+": ") {
				t.Errorf("error %q does not start with the file name", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q\n does not contain %q", msg, w)
				}
			}
		})
	}
}

// TestReadBoundariesContains checks that a real area holds a point known to
// lie in it: Sheffield Town Hall in City ward.
func TestReadBoundariesContains(t *testing.T) {
	bf := readBoundaryFile(t, geodata+"sheffield/ons-2019/sheffield_wards_2019.geojson", BoundaryOptions{})
	townHall := orb.Point{-1.4700, 53.3806}
	var in []string
	for _, a := range bf.Areas {
		if planar.MultiPolygonContains(a.Geometry, townHall) {
			in = append(in, a.Name)
		}
	}
	if !reflect.DeepEqual(in, []string{"City"}) {
		t.Errorf("Town Hall lies in %v, want [City]", in)
	}
}
