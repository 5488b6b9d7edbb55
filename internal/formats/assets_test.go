package formats

import (
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

func TestReadAssetsLibraries(t *testing.T) {
	const path = geodata + "libraries/sheffield_libraries.geojson"
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	assets, err := ReadAssets(f, "sheffield_libraries.geojson", AssetOptions{Category: "library", Licence: "OGL-UK-3.0", Source: "DCMS"})
	if err != nil {
		t.Fatal(err)
	}
	if len(assets) != 29 {
		t.Fatalf("%d assets, want 29", len(assets))
	}
	byName := map[string]place.Asset{}
	types := map[string]int{}
	for _, a := range assets {
		byName[a.Name] = a
		types[a.Tags["type"]]++
		if a.Category != "library" || a.Status != place.Open || a.Licence != "OGL-UK-3.0" || a.Source != "DCMS" || a.ID != "" {
			t.Errorf("%s: category %q status %q licence %q source %q id %q", a.Name, a.Category, a.Status, a.Licence, a.Source, a.ID)
		}
		if _, ok := a.Geometry.(orb.Point); !ok {
			t.Errorf("%s: geometry %T, want orb.Point", a.Name, a.Geometry)
		}
	}
	// 11 council run, 16 community run, 2 closed (README).
	if types["LAL"] != 11 || types["CRL"] != 16 {
		t.Errorf("library types %v, want 11 LAL and 16 CRL", types)
	}
	b := byName["Broomhill"]
	want := place.Asset{
		Name: "Broomhill", Category: "library", Status: place.Open,
		Geometry: orb.Point{-1.50292092824526, 53.3778162969544},
		Address:  "Taptonville Road", Postcode: "S10 5BR",
		Email: "enquiries@broomhill-library.org.uk", Website: "http://www.broomhill-library.org.uk/",
		SourceID: "2448", Source: "DCMS", Licence: "OGL-UK-3.0",
		Tags: map[string]string{"authority_id": "109", "type": "CRL", "statutory2010": "t", "statutory2016": "f", "hours": "33", "staffhours": "33"},
	}
	if !reflect.DeepEqual(b, want) {
		t.Errorf("Broomhill =\n%+v\nwant\n%+v", b, want)
	}
}

func TestReadAssetsCSV(t *testing.T) {
	tests := []struct {
		name string
		src  string
		opts AssetOptions
		want []place.Asset
	}{
		{"lon/lat with category text, BOM, quotes and a blank line",
			bom + "name,category,lon,lat,address,status,Notes\n" +
				"Highfield Library,Library,-1.4708,53.3669,\"London Road, Sheffield\",at risk,\"said \"\"closing\"\"\"\n" +
				",,,,,,\n" +
				"Heeley Hub,Community-Centre,-1.4660,53.3590,,,\n",
			AssetOptions{},
			[]place.Asset{
				{Name: "Highfield Library", Category: "library", Status: place.AtRisk, Geometry: orb.Point{-1.4708, 53.3669},
					Address: "London Road, Sheffield", Tags: map[string]string{"Notes": `said "closing"`}},
				{Name: "Heeley Hub", Category: "community_centre", Status: place.Open, Geometry: orb.Point{-1.4660, 53.3590}},
			}},
		{"lng/latitude, OSM tag columns, file licence over opts",
			"Name,Latitude,Lng,amenity,community_centre,website,licence,id\n" +
				"Zest,53.3800,-1.5000,community_centre,youth_centre,https://zest.org.uk,CC-BY-4.0,n123\n" +
				"Library,53.3700,-1.4700,Library,,,,\n",
			AssetOptions{Licence: "OGL", Attribution: "Sheffield CC"},
			[]place.Asset{
				{Name: "Zest", Category: "youth_centre", Status: place.Open, Geometry: orb.Point{-1.5, 53.38}, Website: "https://zest.org.uk",
					Licence: "CC-BY-4.0", Attribution: "Sheffield CC", SourceID: "n123",
					Tags: map[string]string{"amenity": "community_centre", "community_centre": "youth_centre"}},
				{Name: "Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.47, 53.37},
					Licence: "OGL", Attribution: "Sheffield CC", Tags: map[string]string{"amenity": "Library"}},
			}},
		{"x/y with default category",
			"x,y,name,url\n-1.47,53.38,Town Hall,https://www.sheffield.gov.uk\n",
			AssetOptions{Category: "town hall"},
			[]place.Asset{{Name: "Town Hall", Category: "town_hall", Status: place.Open, Geometry: orb.Point{-1.47, 53.38}, Website: "https://www.sheffield.gov.uk"}}},
		{"easting/northing",
			"name,easting,northing,category\nTown Hall,435353,387214,town_hall\n",
			AssetOptions{},
			[]place.Asset{{Name: "Town Hall", Category: "town_hall", Status: place.Open, Geometry: geo.FromBNG(435353, 387214)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, read := range []func() ([]place.Asset, error){
				func() ([]place.Asset, error) { return ReadAssetsCSV(strings.NewReader(tt.src), "test.csv", tt.opts) },
				func() ([]place.Asset, error) { return ReadAssets(strings.NewReader(tt.src), "test.csv", tt.opts) },
			} {
				got, err := read()
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("got\n%+v\nwant\n%+v", got, tt.want)
				}
			}
		})
	}
}

func TestReadAssetsCSVErrors(t *testing.T) {
	const file = "libs.csv"
	tests := []struct {
		name string
		src  string
		opts AssetOptions
		want string
	}{
		{"not a number", "name,lon,lat\nA,-1.47,53.38\nB,-1.47,abc\n", AssetOptions{Category: "library"}, `libs.csv: line 3: field "lat": "abc" is not a number`},
		{"NaN", "name,lon,lat\nA,NaN,53.38\n", AssetOptions{Category: "library"}, `libs.csv: line 2: field "lon": "NaN" is not a number`},
		{"empty coordinate", "name,Longitude,Latitude\nA,,53.38\n", AssetOptions{Category: "library"}, `libs.csv: line 2: field "Longitude" is empty`},
		{"BNG in lon/lat", "name,lon,lat\nA,435260,387200\n", AssetOptions{Category: "library"}, "libs.csv: line 2: lon/lat look like British National Grid eastings/northings; name the columns easting,northing"},
		{"degrees in easting/northing", "name,easting,northing\nA,-1.47,53.38\n", AssetOptions{Category: "library"}, "libs.csv: line 2: easting/northing (-1.47, 53.38) look like longitude/latitude degrees, not metres; name the columns lon,lat"},
		{"outside the grid", "name,easting,northing\nA,-5000,387200\n", AssetOptions{Category: "library"}, "libs.csv: line 2: easting/northing (-5000, 387200) are outside the British National Grid"},
		{"swapped", "name,lon,lat\nA,53.38,-1.47\n", AssetOptions{Category: "library"}, "libs.csv: line 2: latitude and longitude appear swapped: lat is -1.47 and lon is 53.38"},
		{"not lon/lat", "name,lon,lat\nA,-164000,7050000\n", AssetOptions{Category: "library"}, "libs.csv: line 2: lon/lat (-164000, 7050000) are not a longitude/latitude"},
		{"no coordinates", "name,address\nA,Here\n", AssetOptions{Category: "library"}, "libs.csv: line 1: no coordinate columns: want lon,lat (or lng/longitude/x, latitude/y) or easting,northing; the header is name,address"},
		{"half a pair", "name,lat\nA,53.38\n", AssetOptions{Category: "library"}, "libs.csv: line 1: coordinates need a pair of columns"},
		{"bad status", "name,lon,lat,Status\nA,-1.47,53.38,shut\n", AssetOptions{Category: "library"}, `libs.csv: line 2: field "Status": "shut" is not one of open, closed, at_risk, proposed`},
		{"bad category", "name,lon,lat,category\nA,-1.47,53.38,Bakery\n", AssetOptions{Category: "library"}, `libs.csv: line 2: field "category": "Bakery" is not a category; use one of arts_centre, childcare`},
		{"bad default category", "name,lon,lat\nA,-1.47,53.38\n", AssetOptions{Category: "bakery"}, `libs.csv: line 2: default category "bakery" is not a category`},
		{"no category", "name,lon,lat\nA,-1.47,53.38\n", AssetOptions{}, `libs.csv: line 2: no category: give a "category" field, OSM tags such as amenity=library, or a default category; categories are arts_centre`},
		{"no name", "name,lon,lat\nA,-1.47,53.38\n,-1.47,53.38\n", AssetOptions{Category: "library"}, `libs.csv: line 3: field "name" is missing or empty`},
		{"field count", "name,lon,lat\nA,-1.47,53.38\nB,-1.47\n", AssetOptions{Category: "library"}, "libs.csv: line 3: wrong number of fields"},
		{"line after a quoted newline", "name,lon,lat,address\nA,-1.47,53.38,\"1 Road\nSheffield\"\nB,-1.47,x,\n", AssetOptions{Category: "library"}, `libs.csv: line 4: field "lat": "x" is not a number`},
		{"bad quoting", "name,lon,lat\n\"A,-1.47,53.38\n", AssetOptions{Category: "library"}, "libs.csv: line 2"},
		{"header only", "name,lon,lat\n", AssetOptions{Category: "library"}, "libs.csv: no assets"},
		{"empty", "", AssetOptions{Category: "library"}, "libs.csv: the file is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadAssetsCSV(strings.NewReader(tt.src), file, tt.opts)
			if err == nil {
				t.Fatal("no error")
			}
			if place.ErrorCode(err) != place.EINVALID {
				t.Errorf("code %q, want %q (%v)", place.ErrorCode(err), place.EINVALID, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\n does not contain %q", err, tt.want)
			}
		})
	}
}

func TestReadAssetsGeoJSON(t *testing.T) {
	src := fc("",
		// A tags object gives category and name, OSM style; the feature id
		// is the source id.
		`{"tags": {"amenity": "community_centre", "community_centre": "youth_centre", "name": "Zest", "wheelchair": "yes"}}|`+point,
		`{"name": "Park", "leisure": "park", "status": "Proposed", "Source": "council list"}|`+square1,
		`{"name": "Hall", "category": "village hall", "capacity": 120, "open": true, "extra": {"a": 1}, "none": null}|`+square3,
	)
	src = strings.Replace(src, `{"type": "Feature", "properties": {"tags"`, `{"type": "Feature", "id": "node/42", "properties": {"tags"`, 1)
	got, err := ReadAssetsGeoJSON(strings.NewReader(src), "assets.geojson", AssetOptions{Source: "survey"})
	if err != nil {
		t.Fatal(err)
	}
	want := []place.Asset{
		{Name: "Zest", Category: "youth_centre", Status: place.Open, Geometry: orb.Point{-1.47, 53.38}, SourceID: "node/42", Source: "survey",
			Tags: map[string]string{"amenity": "community_centre", "community_centre": "youth_centre", "wheelchair": "yes"}},
		{Name: "Park", Category: "park", Status: place.Proposed, Source: "council list",
			Geometry: orb.Polygon{{{-1.48, 53.38}, {-1.47, 53.38}, {-1.47, 53.39}, {-1.48, 53.39}, {-1.48, 53.38}}},
			Tags:     map[string]string{"leisure": "park"}},
		{Name: "Hall", Category: "village_hall", Status: place.Open, Source: "survey",
			Geometry: orb.MultiPolygon{{{{-1.44, 53.38}, {-1.43, 53.38}, {-1.43, 53.39}, {-1.44, 53.39}, {-1.44, 53.38}}}},
			Tags:     map[string]string{"capacity": "120", "open": "true"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}

	// Sniffed as GeoJSON despite a byte order mark and leading space.
	got2, err := ReadAssets(strings.NewReader(bom+"\n  "+src), "assets.geojson", AssetOptions{Source: "survey"})
	if err != nil || !reflect.DeepEqual(got2, want) {
		t.Errorf("ReadAssets = %+v, %v", got2, err)
	}

	// A declared British National Grid point is reprojected.
	bng := fc(`{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}`,
		`{"name": "Town Hall", "category": "town_hall"}|{"type": "Point", "coordinates": [435353, 387214]}`)
	got, err = ReadAssetsGeoJSON(strings.NewReader(bng), "bng.geojson", AssetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := got[0].Geometry.(orb.Point)
	if math.Abs(p[0]+1.4700) > 1e-4 || math.Abs(p[1]-53.3806) > 1e-4 {
		t.Errorf("Town Hall at %v, want about (-1.4700, 53.3806)", p)
	}
}

func TestReadAssetsGeoJSONErrors(t *testing.T) {
	const file = "assets.geojson"
	tests := []struct {
		name string
		src  string
		opts AssetOptions
		want []string
	}{
		{"line", fc("", `{"name": "A"}|`+point, `{"name": "Canal"}|{"type": "LineString", "coordinates": [[-1.47, 53.38], [-1.46, 53.38]]}`),
			AssetOptions{Category: "park"}, []string{`feature 1 ("Canal"): geometry is a LineString; want Point, Polygon or MultiPolygon`}},
		{"no geometry", fc("", `{"name": "A"}|null`), AssetOptions{Category: "park"}, []string{`feature 0 ("A"): geometry is missing`}},
		{"BNG without crs", fc("", `{"name": "A"}|{"type": "Point", "coordinates": [435260, 387200]}`),
			AssetOptions{Category: "library"}, []string{`feature 0 ("A"): geometry: coordinates look like British National Grid eastings/northings (EPSG:27700) but the file declares none; add a crs member or convert`}},
		{"swapped", fc("", `{"name": "A"}|{"type": "Point", "coordinates": [53.38, -1.47]}`),
			AssetOptions{Category: "library"}, []string{`feature 0 ("A"): geometry: latitude and longitude appear swapped`}},
		{"unsupported crs", fc(`{"type": "name", "properties": {"name": "EPSG:3857"}}`, `{"name": "A"}|`+point),
			AssetOptions{Category: "library"}, []string{`crs "EPSG:3857" is not supported`}},
		{"no name", fc("", `{"name": "A"}|`+point, `{"title": "B"}|`+point), AssetOptions{Category: "library"}, []string{`feature 1: field "name" is missing or empty`}},
		{"bad status", fc("", `{"name": "A", "STATUS": "gone"}|`+point), AssetOptions{Category: "library"}, []string{`feature 0 ("A"): field "STATUS": "gone" is not one of open, closed, at_risk, proposed`}},
		{"no category", fc("", `{"name": "A", "amenity": "bench"}|`+point), AssetOptions{}, []string{`feature 0 ("A"): no category`, "library"}},
		{"unrepairable polygon", fc("", `{"name": "A"}|`+bowtie), AssetOptions{Category: "park"}, []string{`feature 0 ("A"): invalid geometry`, "self-intersects at"}},
		{"no features", fc(""), AssetOptions{}, []string{"no features"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadAssets(strings.NewReader(tt.src), file, tt.opts)
			if err == nil {
				t.Fatal("no error")
			}
			if place.ErrorCode(err) != place.EINVALID {
				t.Errorf("code %q, want %q (%v)", place.ErrorCode(err), place.EINVALID, err)
			}
			msg := err.Error()
			for _, w := range append([]string{file + ": "}, tt.want...) {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q\n does not contain %q", msg, w)
				}
			}
		})
	}
}
