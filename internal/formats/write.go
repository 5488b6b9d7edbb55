package formats

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"
	"github.com/twpayne/go-geom"
	gkml "github.com/twpayne/go-geom/encoding/kml"
	"github.com/twpayne/go-kml/v3"

	"github.com/placemap/placemap/internal/csvcell"
	pgeo "github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/rfc7946"
)

// Layer is a table of features to write out: its columns, where its data
// comes from (every source's attribution and licence travel with it), and
// its rows, streamed so a large layer never sits in memory.
type Layer struct {
	Name         string // file- and table-safe: assets, wards-2013, memberships
	Title        string
	Description  string
	GeometryType string // Point, MultiPolygon or Geometry (mixed)
	Columns      []Column
	Sources      []Source
	// Rows calls yield for each row, in order, and stops at yield's first
	// error, returning it.
	Rows func(yield func(Row) error) error
}

// Column is one attribute of a layer.
type Column struct {
	Name string
	Type ColumnType
}

// ColumnType is what a column holds.
type ColumnType string

// Column types.
const (
	Text    ColumnType = "TEXT"
	Integer ColumnType = "INTEGER"
	Real    ColumnType = "REAL"
)

// Row is one feature: an id, a geometry in WGS84 longitude/latitude, and
// a value per column (string, int64, float64, or nil for none).
type Row struct {
	ID       string
	Geometry orb.Geometry
	Values   []any
}

// Source is where some of a layer's data comes from.
type Source struct {
	Title       string `json:"title,omitempty"`
	Attribution string `json:"attribution,omitempty"`
	Licence     string `json:"licence,omitempty"`
}

// Credit is the line of attribution a layer carries: every source's
// attribution and licence.
func (l Layer) Credit() string {
	var parts []string
	seen := map[string]bool{}
	for _, s := range l.Sources {
		p := s.Attribution
		if p == "" {
			p = s.Title
		}
		if s.Licence != "" {
			p += " (" + s.Licence + ")"
		}
		if p != "" && !seen[p] {
			seen[p] = true
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "; ")
}

func (l Layer) properties(r Row) map[string]any {
	props := make(map[string]any, len(l.Columns))
	for i, c := range l.Columns {
		if i < len(r.Values) && r.Values[i] != nil {
			props[c.Name] = r.Values[i]
		}
	}
	return props
}

// WriteGeoJSON streams a layer as a GeoJSON FeatureCollection, with its
// name, title and sources as foreign members.
func WriteGeoJSON(w io.Writer, l Layer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	head, err := json.Marshal(map[string]any{"name": l.Name, "title": l.Title, "attribution": l.Credit(), "sources": l.Sources})
	if err != nil {
		return err
	}
	// {"attribution":...,"name":...} then the features.
	bw.Write(head[:len(head)-1])
	bw.WriteString(`,"type":"FeatureCollection","features":[`)
	n := 0
	err = l.Rows(func(r Row) error {
		f := geojson.NewFeature(rfc7946.Orient(r.Geometry))
		f.ID = r.ID
		f.Properties = l.properties(r)
		b, err := json.Marshal(f)
		if err != nil {
			return fmt.Errorf("feature %d (%s): %w", n, r.ID, err)
		}
		if n > 0 {
			bw.WriteByte(',')
		}
		bw.WriteByte('\n')
		n++
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// CSVGeometry says how a CSV carries geometry: WKT in a "wkt" column, or
// "lon" and "lat" columns (a point on the surface of an area).
type CSVGeometry string

// The CSV geometry forms.
const (
	CSVWKT    CSVGeometry = "wkt"
	CSVLonLat CSVGeometry = "lonlat"
)

// WriteCSV streams a layer as CSV: the id, the columns, then the geometry.
// Attribution travels in the layer's own licence and attribution columns.
func WriteCSV(w io.Writer, l Layer, g CSVGeometry) error {
	cw := csvcell.NewWriter(w)
	header := []string{"id"}
	for _, c := range l.Columns {
		header = append(header, c.Name)
	}
	switch g {
	case CSVLonLat:
		header = append(header, "lon", "lat")
	case CSVWKT, "":
		header = append(header, "wkt")
	default:
		return fmt.Errorf("CSV geometry %q: want wkt or lonlat", g)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	err := l.Rows(func(r Row) error {
		rec[0] = r.ID
		for i := range l.Columns {
			rec[i+1] = ""
			if i < len(r.Values) {
				rec[i+1] = text(r.Values[i])
			}
		}
		k := len(l.Columns) + 1
		if g == CSVLonLat {
			p := pgeo.PointOnSurface(r.Geometry)
			rec[k], rec[k+1] = strconv.FormatFloat(p[0], 'f', 7, 64), strconv.FormatFloat(p[1], 'f', 7, 64)
		} else {
			rec[k] = wkt.MarshalString(r.Geometry)
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func text(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(t, 10)
	case int:
		return strconv.Itoa(t)
	}
	return fmt.Sprint(v)
}

// WriteKML streams a layer as KML 2.2: a Document naming its sources, a
// Schema of the columns, and a Placemark per row with its values as
// SchemaData. Geometries are encoded by go-geom's KML encoder.
func WriteKML(w io.Writer, l Layer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := xml.NewEncoder(bw)
	bw.WriteString(xml.Header)
	bw.WriteString(`<kml xmlns="http://www.opengis.net/kml/2.2"><Document>`)
	var fields []kml.Element
	for _, c := range l.Columns {
		t := "string"
		switch c.Type {
		case Integer:
			t = "int"
		case Real:
			t = "double"
		}
		fields = append(fields, kml.SimpleField(c.Name, t))
	}
	desc := l.Description
	if credit := l.Credit(); credit != "" {
		desc = strings.TrimSpace(desc + " Source: " + credit + ".")
	}
	schemaID := "s_" + kmlID(l.Name)
	for _, e := range []kml.Element{kml.Name(l.Title), kml.Description(desc), kml.Schema(schemaID, fields...)} {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	nameCol := -1
	for i, c := range l.Columns {
		if c.Name == "name" {
			nameCol = i
		}
	}
	n := 0
	err := l.Rows(func(r Row) error {
		g, err := toGeom(r.Geometry)
		if err != nil {
			return fmt.Errorf("feature %d (%s): %w", n, r.ID, err)
		}
		ge, err := gkml.Encode(g)
		if err != nil {
			return fmt.Errorf("feature %d (%s): %w", n, r.ID, err)
		}
		var data []kml.Element
		for i, c := range l.Columns {
			if i < len(r.Values) && r.Values[i] != nil {
				data = append(data, kml.SimpleData(c.Name, text(r.Values[i])))
			}
		}
		name := r.ID
		if nameCol >= 0 && nameCol < len(r.Values) {
			if s := text(r.Values[nameCol]); s != "" {
				name = s
			}
		}
		pm := kml.Placemark(kml.Name(name), kml.ExtendedData(kml.SchemaData("#"+schemaID, data...)), ge)
		n++
		return enc.Encode(pm)
	})
	if err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	bw.WriteString("</Document></kml>\n")
	return bw.Flush()
}

func kmlID(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// toGeom converts an orb geometry to go-geom's, for its encoders.
func toGeom(g orb.Geometry) (geom.T, error) {
	flat := func(ring []orb.Point) []float64 {
		out := make([]float64, 0, 2*len(ring))
		for _, p := range ring {
			out = append(out, p[0], p[1])
		}
		return out
	}
	polygon := func(p orb.Polygon) (flatCoords []float64, ends []int) {
		for _, r := range p {
			flatCoords = append(flatCoords, flat(r)...)
			ends = append(ends, len(flatCoords))
		}
		return flatCoords, ends
	}
	switch t := g.(type) {
	case orb.Point:
		return geom.NewPointFlat(geom.XY, []float64{t[0], t[1]}), nil
	case orb.LineString:
		return geom.NewLineStringFlat(geom.XY, flat(t)), nil
	case orb.Polygon:
		fc, ends := polygon(t)
		return geom.NewPolygonFlat(geom.XY, fc, ends), nil
	case orb.MultiPolygon:
		var fc []float64
		var endss [][]int
		for _, p := range t {
			pc, ends := polygon(p)
			for i := range ends {
				ends[i] += len(fc)
			}
			fc = append(fc, pc...)
			endss = append(endss, ends)
		}
		return geom.NewMultiPolygonFlat(geom.XY, fc, endss), nil
	}
	return nil, fmt.Errorf("geometry %T cannot be written as KML", g)
}
