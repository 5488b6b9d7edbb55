package formats

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func testLayer(fail error) Layer {
	rows := []Row{
		{ID: "a", Geometry: orb.Point{-1.5, 53.4}, Values: []any{"<b>Hall</b> & Co", int64(3), 0.25}},
		{ID: "b", Geometry: orb.MultiPolygon{{{{-1.5, 53.4}, {-1.4, 53.4}, {-1.4, 53.5}, {-1.5, 53.4}}}}, Values: []any{"Square", nil, nil}},
	}
	return Layer{Name: "things", Title: "Things", Columns: []Column{{"name", Text}, {"n", Integer}, {"share", Real}},
		Sources: []Source{{Title: "Survey", Attribution: "© Us", Licence: "CC0-1.0"}, {Attribution: "© Us", Licence: "CC0-1.0"}},
		Rows: func(yield func(Row) error) error {
			for i, r := range rows {
				if fail != nil && i == 1 {
					return fail
				}
				if err := yield(r); err != nil {
					return err
				}
			}
			return nil
		}}
}

func TestWriters(t *testing.T) {
	if got := testLayer(nil).Credit(); got != "© Us (CC0-1.0)" {
		t.Errorf("credit %q: want each source once", got)
	}
	var gj bytes.Buffer
	if err := WriteGeoJSON(&gj, testLayer(nil)); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type, Attribution string
		Features          []struct {
			ID         string
			Properties map[string]any
			Geometry   struct{ Type string }
		}
	}
	if err := json.Unmarshal(gj.Bytes(), &fc); err != nil {
		t.Fatalf("GeoJSON: %v\n%s", err, gj.String())
	}
	if fc.Type != "FeatureCollection" || fc.Attribution != "© Us (CC0-1.0)" || len(fc.Features) != 2 || fc.Features[0].Properties["name"] != "<b>Hall</b> & Co" ||
		fc.Features[1].Geometry.Type != "MultiPolygon" || len(fc.Features[1].Properties) != 1 {
		t.Errorf("GeoJSON: %+v", fc)
	}
	for _, tc := range []struct {
		g    CSVGeometry
		head string
		last string
	}{
		{CSVWKT, "id,name,n,share,wkt", "MULTIPOLYGON(((-1.5 53.4,-1.4 53.4,-1.4 53.5,-1.5 53.4)))"},
		{CSVLonLat, "id,name,n,share,lon,lat", "53.4"},
	} {
		var b bytes.Buffer
		if err := WriteCSV(&b, testLayer(nil), tc.g); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&b).ReadAll()
		if err != nil || len(recs) != 3 || strings.Join(recs[0], ",") != tc.head || recs[1][1] != "<b>Hall</b> & Co" || recs[1][2] != "3" ||
			!strings.HasPrefix(recs[2][len(recs[2])-1], tc.last) || recs[2][2] != "" {
			t.Errorf("CSV %s: %v %q", tc.g, err, recs)
		}
	}
	if err := WriteCSV(&bytes.Buffer{}, testLayer(nil), "geohash"); err == nil {
		t.Error("an unknown CSV geometry form was accepted")
	}
	var k bytes.Buffer
	if err := WriteKML(&k, testLayer(nil)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Document struct {
			Name        string `xml:"name"`
			Description string `xml:"description"`
			Schema      struct {
				Fields []struct {
					Name string `xml:"name,attr"`
					Type string `xml:"type,attr"`
				} `xml:"SimpleField"`
			} `xml:"Schema"`
			Placemarks []struct {
				Name string `xml:"name"`
				Data []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:",chardata"`
				} `xml:"ExtendedData>SchemaData>SimpleData"`
				Point         *struct{} `xml:"Point"`
				MultiGeometry *struct{} `xml:"MultiGeometry"`
			} `xml:"Placemark"`
		} `xml:"Document"`
	}
	if err := xml.Unmarshal(k.Bytes(), &doc); err != nil {
		t.Fatalf("KML: %v\n%s", err, k.String())
	}
	d := doc.Document
	if d.Name != "Things" || !strings.Contains(d.Description, "© Us (CC0-1.0)") || len(d.Schema.Fields) != 3 || d.Schema.Fields[1].Type != "int" ||
		len(d.Placemarks) != 2 || d.Placemarks[0].Name != "<b>Hall</b> & Co" || d.Placemarks[0].Point == nil || d.Placemarks[1].MultiGeometry == nil ||
		len(d.Placemarks[1].Data) != 1 {
		t.Errorf("KML: %+v", d)
	}
	// A failure while rows are read is returned, not hidden.
	boom := errors.New("store went away")
	for name, w := range map[string]func() error{
		"geojson": func() error { return WriteGeoJSON(&bytes.Buffer{}, testLayer(boom)) },
		"csv":     func() error { return WriteCSV(&bytes.Buffer{}, testLayer(boom), CSVWKT) },
		"kml":     func() error { return WriteKML(&bytes.Buffer{}, testLayer(boom)) },
	} {
		if err := w(); !errors.Is(err, boom) {
			t.Errorf("%s: %v, want the rows' error", name, err)
		}
	}
}
