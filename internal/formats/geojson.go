package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// crs is the coordinate reference system a GeoJSON file declares.
type crs struct {
	name string // normalised: "" (none declared), "OGC:CRS84", "EPSG:4326" or "EPSG:27700"
	bng  bool   // British National Grid: reproject
}

// feature is one decoded GeoJSON feature.
type feature struct {
	index int
	id    any // the feature's "id" member, if any
	props map[string]any
	geom  orb.Geometry // nil for a null geometry
	// err is what is wrong with the feature itself (its JSON, its
	// geometry), with props kept when they could be read: a reader
	// refuses the file for it, or skips the feature when asked to.
	err error
}

// readFeatureCollection decodes a GeoJSON FeatureCollection. The whole file
// is read first: the crs member may come after the features, and the
// callers return every feature anyway.
func readFeatureCollection(r io.Reader, name string) (crs, []feature, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return crs{}, nil, fmt.Errorf("read %s: %w", name, err)
	}
	data = bytes.TrimPrefix(data, []byte(bom))
	if len(bytes.TrimSpace(data)) == 0 {
		return crs{}, nil, invalidf(name, "the file is empty; want a GeoJSON FeatureCollection")
	}
	var doc struct {
		Type     string            `json:"type"`
		CRS      json.RawMessage   `json:"crs"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return crs{}, nil, jsonError(name, data, err)
	}
	switch doc.Type {
	case "FeatureCollection":
	case "":
		return crs{}, nil, invalidf(name, "not a GeoJSON FeatureCollection: no \"type\" member")
	default:
		return crs{}, nil, invalidf(name, "the file is a GeoJSON %s; want a FeatureCollection", doc.Type)
	}
	c, err := parseCRS(doc.CRS)
	if err != nil {
		return crs{}, nil, invalidf(name, "%v", err)
	}
	features := make([]feature, len(doc.Features))
	for i, raw := range doc.Features {
		f, err := decodeFeature(raw)
		f.index, f.err = i, err
		features[i] = f
	}
	return c, features, nil
}

// featureError is the error of the first feature that could not be
// decoded, for readers that refuse a file for any bad feature.
func featureError(name string, features []feature) error {
	for _, f := range features {
		if f.err != nil {
			return invalidf(name, "feature %d: %v", f.index, f.err)
		}
	}
	return nil
}

// jsonError names the line of a JSON syntax error, which encoding/json
// gives only as a byte offset.
func jsonError(name string, data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		return invalidf(name, "not valid JSON: line %d: %v", line, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return invalidf(name, "member %q is a JSON %s, want %s", te.Field, te.Value, jsonKind(te.Type))
	}
	return invalidf(name, "not valid JSON: %v", err)
}

// jsonKind names, in JSON's words, what a Go type decodes from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a number"
	}
	return t.String()
}

func decodeFeature(raw json.RawMessage) (feature, error) {
	var rf struct {
		Type       string          `json:"type"`
		ID         any             `json:"id"`
		Properties map[string]any  `json:"properties"`
		Geometry   json.RawMessage `json:"geometry"`
	}
	if err := json.Unmarshal(raw, &rf); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return feature{}, fmt.Errorf("member %q is a JSON %s, want %s", te.Field, te.Value, jsonKind(te.Type))
		}
		return feature{}, err
	}
	if rf.Properties == nil {
		rf.Properties = map[string]any{}
	}
	f := feature{id: rf.ID, props: rf.Properties}
	if rf.Type != "Feature" {
		return f, fmt.Errorf("type is %q, want \"Feature\"", place.Excerpt(rf.Type))
	}
	g, err := DecodeGeometry(rf.Geometry)
	if err != nil {
		return f, fmt.Errorf("geometry: %w", err)
	}
	f.geom = g
	return f, nil
}

// DecodeGeometry decodes a GeoJSON geometry object: nil for null or an
// absent geometry. Every position must hold at least two numbers,
// longitude and latitude (a third, the height, is dropped): a Point of
// [-1.5] or [] would otherwise become (-1.5, 0) or (0, 0) on Null Island,
// as encoding/json leaves missing array elements zero. The error names
// the geometry type and the position at fault.
func DecodeGeometry(raw json.RawMessage) (orb.Geometry, error) {
	return decodeGeometry(raw, 0)
}

// maxCollectionDepth bounds GeometryCollections nested in each other.
const maxCollectionDepth = 8

func decodeGeometry(raw json.RawMessage, depth int) (orb.Geometry, error) {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil, nil
	}
	var g struct {
		Type        string            `json:"type"`
		Coordinates json.RawMessage   `json:"coordinates"`
		Geometries  []json.RawMessage `json:"geometries"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Errorf("want a GeoJSON geometry object: %v", err)
	}
	switch g.Type {
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon":
	case "GeometryCollection":
		return decodeCollection(g.Type, g.Geometries, depth)
	case "":
		return nil, fmt.Errorf("no \"type\" member: want a GeoJSON geometry object")
	default:
		// orb would say only "invalid geometry".
		return nil, fmt.Errorf("type %q is not a GeoJSON geometry type", g.Type)
	}
	if c := bytes.TrimSpace(g.Coordinates); len(c) == 0 || string(c) == "null" {
		return nil, fmt.Errorf("%s: \"coordinates\" is missing", g.Type)
	}
	switch g.Type {
	case "Point":
		var c []float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, coordinatesError(g.Type, err)
		}
		p, err := position(c)
		if err != nil {
			return nil, fmt.Errorf("%s: the position %w", g.Type, err)
		}
		return p, nil
	case "MultiPoint", "LineString":
		var c [][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, coordinatesError(g.Type, err)
		}
		pts, err := positions(c)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", g.Type, err)
		}
		if g.Type == "MultiPoint" {
			return orb.MultiPoint(pts), nil
		}
		return orb.LineString(pts), nil
	case "MultiLineString", "Polygon":
		return decodeLines(g.Type, g.Coordinates)
	default: // MultiPolygon
		return decodeMultiPolygon(g.Type, g.Coordinates)
	}
}

// decodeCollection decodes the members of a GeometryCollection (typ)
// nested depth deep.
func decodeCollection(typ string, geometries []json.RawMessage, depth int) (orb.Geometry, error) {
	if depth >= maxCollectionDepth {
		return nil, fmt.Errorf("%s: collections are nested more than %d deep", typ, maxCollectionDepth)
	}
	c := make(orb.Collection, 0, len(geometries))
	for i, raw := range geometries {
		m, err := decodeGeometry(raw, depth+1)
		if err != nil {
			return nil, fmt.Errorf("%s: geometry %d: %w", typ, i, err)
		}
		if m == nil {
			return nil, fmt.Errorf("%s: geometry %d is null", typ, i)
		}
		c = append(c, m)
	}
	return c, nil
}

// coordinatesError says why the coordinates of a geometry of type typ
// could not be read.
func coordinatesError(typ string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%s: coordinates are nested wrongly for a %s, or hold a %s where a number belongs", typ, typ, te.Value)
	}
	return fmt.Errorf("%s: coordinates: %v", typ, err)
}

// decodeLines decodes the coordinates of a MultiLineString or Polygon
// (typ).
func decodeLines(typ string, coordinates json.RawMessage) (orb.Geometry, error) {
	var c [][][]float64
	if err := json.Unmarshal(coordinates, &c); err != nil {
		return nil, coordinatesError(typ, err)
	}
	part := "line"
	if typ == "Polygon" {
		part = "ring"
	}
	lines := make([][]orb.Point, len(c))
	for i, l := range c {
		pts, err := positions(l)
		if err != nil {
			return nil, fmt.Errorf("%s: %s %d, %w", typ, part, i, err)
		}
		lines[i] = pts
	}
	if typ == "Polygon" {
		return polygon(lines), nil
	}
	mls := make(orb.MultiLineString, len(lines))
	for i, l := range lines {
		mls[i] = orb.LineString(l)
	}
	return mls, nil
}

// decodeMultiPolygon decodes the coordinates of a MultiPolygon (typ).
func decodeMultiPolygon(typ string, coordinates json.RawMessage) (orb.Geometry, error) {
	var c [][][][]float64
	if err := json.Unmarshal(coordinates, &c); err != nil {
		return nil, coordinatesError(typ, err)
	}
	mp := make(orb.MultiPolygon, len(c))
	for i, p := range c {
		rings := make([][]orb.Point, len(p))
		for j, r := range p {
			pts, err := positions(r)
			if err != nil {
				return nil, fmt.Errorf("%s: polygon %d, ring %d, %w", typ, i, j, err)
			}
			rings[j] = pts
		}
		mp[i] = polygon(rings)
	}
	return mp, nil
}

// position reads one GeoJSON position: longitude, latitude and perhaps a
// height, which is dropped.
func position(c []float64) (orb.Point, error) {
	if len(c) < 2 {
		return orb.Point{}, fmt.Errorf("has %d coordinate%s (%v); a position needs longitude and latitude", len(c), plural(len(c)), c)
	}
	return orb.Point{c[0], c[1]}, nil
}

func positions(cs [][]float64) ([]orb.Point, error) {
	pts := make([]orb.Point, len(cs))
	for i, c := range cs {
		p, err := position(c)
		if err != nil {
			return nil, fmt.Errorf("position %d %w", i, err)
		}
		pts[i] = p
	}
	return pts, nil
}

func polygon(rings [][]orb.Point) orb.Polygon {
	p := make(orb.Polygon, len(rings))
	for i, r := range rings {
		p[i] = orb.Ring(r)
	}
	return p
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// parseCRS reads the crs member that GeoJSON's 2008 specification had and
// RFC 7946 dropped, still written by ogr2ogr and QGIS. Only WGS84
// longitude/latitude and British National Grid are accepted; any other is
// an error naming it, because coordinates in an unknown CRS cannot be
// placed.
func parseCRS(raw json.RawMessage) (crs, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return crs{}, nil
	}
	var m struct {
		Type       string `json:"type"`
		Properties struct {
			Name string `json:"name"` // type "name"
			Code any    `json:"code"` // type "EPSG", from drafts before 2008
			Href string `json:"href"` // type "link"
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return crs{}, fmt.Errorf("crs member: %v", err)
	}
	var code string
	switch strings.ToLower(m.Type) {
	case "name":
		code = m.Properties.Name
	case "epsg":
		s, _ := scalarString(m.Properties.Code)
		code = "EPSG:" + s
	case "link":
		return crs{}, fmt.Errorf("crs member links to %q; links are not supported: use WGS84 longitude/latitude (RFC 7946) or name EPSG:27700", m.Properties.Href)
	default:
		return crs{}, fmt.Errorf("crs member of type %q is not supported: use a \"name\" crs", m.Type)
	}
	up := strings.ToUpper(strings.TrimSpace(code))
	switch {
	case strings.HasSuffix(up, "CRS84"):
		return crs{name: "OGC:CRS84"}, nil
	case strings.Contains(up, "EPSG"):
		// urn:ogc:def:crs:EPSG::27700, urn:ogc:def:crs:EPSG:6.6:27700,
		// http://www.opengis.net/def/crs/EPSG/0/27700, EPSG:27700: the
		// code is the trailing number.
		digits := up[len(strings.TrimRightFunc(up, unicode.IsDigit)):]
		switch digits {
		case "4326":
			return crs{name: "EPSG:4326"}, nil
		case "27700":
			return crs{name: "EPSG:27700", bng: true}, nil
		}
	}
	return crs{}, fmt.Errorf("crs %q is not supported: use WGS84 longitude/latitude (CRS84, EPSG:4326) or British National Grid (EPSG:27700)", code)
}

// toLonLat checks g's coordinates against the declared CRS and returns g in
// longitude/latitude, reprojecting British National Grid (in place, except
// for a Point, which is a value). A file
// that declares no CRS but whose coordinates look like another is refused,
// not guessed at: a wrong guess would put every area in the wrong place.
func (c crs) toLonLat(g orb.Geometry) (orb.Geometry, error) {
	var bad error
	if c.bng {
		degrees := true
		forEachPoint(g, func(p orb.Point) bool {
			if !finite(p) {
				bad = fmt.Errorf("coordinate (%g, %g) is not a number", p[0], p[1])
				return false
			}
			degrees = degrees && lonLatRange(p)
			return true
		})
		if bad != nil {
			return nil, bad
		}
		if degrees {
			return nil, fmt.Errorf("the file declares British National Grid (EPSG:27700) but the coordinates look like longitude/latitude degrees; correct the crs member")
		}
		return project.Geometry(g, func(p orb.Point) orb.Point { return geo.FromBNG(p[0], p[1]) }), nil
	}
	declares := "declares none; add a crs member or convert"
	if c.name != "" {
		declares = "declares " + c.name + "; correct the crs member or convert"
	}
	forEachPoint(g, func(p orb.Point) bool {
		switch {
		case !finite(p):
			bad = fmt.Errorf("coordinate (%g, %g) is not a number", p[0], p[1])
		case geo.LooksLikeBNG(p):
			bad = fmt.Errorf("coordinates look like British National Grid eastings/northings (EPSG:27700) but the file %s", declares)
		case !lonLatRange(p):
			bad = fmt.Errorf("coordinate (%g, %g) is not a longitude/latitude; is the file in another CRS, such as Web Mercator (EPSG:3857)?", p[0], p[1])
		}
		return bad == nil
	})
	if bad != nil {
		return nil, bad
	}
	if b := g.Bound(); geo.LooksSwapped(b) {
		return nil, fmt.Errorf("latitude and longitude appear swapped: x runs %g to %g and y %g to %g, Great Britain's latitudes and longitudes; GeoJSON positions are longitude,latitude", b.Min[0], b.Max[0], b.Min[1], b.Max[1])
	}
	return g, nil
}
