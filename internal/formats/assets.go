package formats

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// AssetOptions fills what an asset file leaves out.
type AssetOptions struct {
	// Category is the category (an id, or text place.NormalizeCategory
	// understands) of records that have none and no OSM tags that give one.
	Category string
	// Source, Licence and Attribution apply to records without their own.
	Source, Licence, Attribution string
	// Postcodes, when set, places CSV rows that have a postcode and no
	// coordinates at the postcode's point, tagged location_precision =
	// postcode; a file may then have a postcode column and no coordinate
	// columns. Nil: every row needs coordinates.
	Postcodes PostcodeLookup
}

// PostcodeLookup finds the point of a postcode for an asset import: an
// EINVALID error saying why when it cannot place an asset there (unknown,
// terminated, malformed).
type PostcodeLookup interface {
	PostcodePoint(postcode string) (orb.Point, error)
}

// LocationPrecision is the tag marking how an asset's location was found
// when it is not a surveyed point: "postcode" for an asset placed at its
// postcode's point.
const LocationPrecision = "location_precision"

// ReadAssets reads assets from GeoJSON or CSV, telling them apart by the
// first character that is not a space or byte order mark: '{' is GeoJSON.
// See ReadAssetsGeoJSON and ReadAssetsCSV.
func ReadAssets(r io.Reader, name string, opts AssetOptions) ([]place.Asset, error) {
	br := bufio.NewReader(r)
	c, err := firstByte(br)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	switch c {
	case 0:
		return nil, invalidf(name, "the file is empty; want GeoJSON or CSV assets")
	case '{':
		return ReadAssetsGeoJSON(br, name, opts)
	default:
		return ReadAssetsCSV(br, name, opts)
	}
}

// firstByte peeks at the first byte of br that is neither white space nor
// part of a UTF-8 byte order mark; 0 for an input with none.
func firstByte(br *bufio.Reader) (byte, error) {
	for n := 1; n <= br.Size(); n++ {
		b, err := br.Peek(n)
		if len(b) < n {
			if err == io.EOF {
				return 0, nil
			}
			return 0, err
		}
		if n <= len(bom) && string(b) == bom[:n] {
			continue
		}
		switch c := b[n-1]; c {
		case ' ', '\t', '\r', '\n':
		default:
			return c, nil
		}
	}
	return 0, nil
}

// ReadAssetsGeoJSON reads assets from a GeoJSON FeatureCollection of Point,
// Polygon and MultiPolygon features.
//
// Properties map to asset fields by name, ignoring case: name; category (an
// id or text place.NormalizeCategory understands; else derived from OSM
// tags, taken from a "tags" object or from properties named as OSM keys such
// as amenity and leisure; else opts.Category); status (open, closed, at_risk
// or proposed; open if absent); id (Asset.SourceID, falling back to the
// feature's id; Asset.ID is left for the store); address, postcode,
// opening_hours, phone, email, website (or url), operator, source, licence
// and attribution (the last three override opts). Every other non-empty
// scalar property goes into Asset.Tags as text.
//
// Coordinates follow the rules of ReadBoundaries: WGS84, or reprojected
// from a declared EPSG:27700, and refused when they look like another CRS.
// Invalid polygons are repaired within RepairTolerance. Every error is
// EINVALID and names the file, the feature and the field.
func ReadAssetsGeoJSON(r io.Reader, name string, opts AssetOptions) ([]place.Asset, error) {
	c, features, err := readFeatureCollection(r, name)
	if err != nil {
		return nil, err
	}
	if len(features) == 0 {
		return nil, invalidf(name, "the FeatureCollection has no features")
	}
	if err := featureError(name, features); err != nil {
		return nil, err
	}
	assets := make([]place.Asset, 0, len(features))
	for _, f := range features {
		rec := newRecord()
		for _, k := range slices.Sorted(maps.Keys(f.props)) {
			v := f.props[k]
			if strings.EqualFold(k, "tags") {
				if obj, ok := v.(map[string]any); ok {
					for _, tk := range slices.Sorted(maps.Keys(obj)) {
						if s, ok := scalarString(obj[tk]); ok && strings.TrimSpace(s) != "" {
							rec.tags[tk] = strings.TrimSpace(s)
						}
					}
					continue
				}
			}
			if s, ok := scalarString(v); ok {
				rec.add(k, s)
			}
		}
		if _, ok := rec.vals["id"]; !ok {
			if s, ok := scalarString(f.id); ok {
				rec.add("id", s)
			}
		}
		label := fmt.Sprintf("feature %d", f.index)
		if n := rec.text("name"); n != "" {
			label += fmt.Sprintf(" (%q)", place.Excerpt(n))
		}

		g, err := assetGeometry(c, f.geom)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, label, err)
		}
		a, err := rec.asset(g, opts)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, label, err)
		}
		assets = append(assets, a)
	}
	return assets, nil
}

// assetGeometry checks a feature's geometry and returns it in
// longitude/latitude, polygons repaired.
func assetGeometry(c crs, g orb.Geometry) (orb.Geometry, error) {
	switch g.(type) {
	case orb.Point, orb.Polygon, orb.MultiPolygon:
	case nil:
		return nil, place.Errorf(place.EINVALID, "geometry is missing; want Point, Polygon or MultiPolygon")
	default:
		return nil, place.Errorf(place.EINVALID, "geometry is a %s; want Point, Polygon or MultiPolygon", g.GeoJSONType())
	}
	g, err := c.toLonLat(g)
	if err != nil {
		return nil, place.Errorf(place.EINVALID, "geometry: %v", err)
	}
	if _, ok := g.(orb.Point); ok {
		return g, nil
	}
	_, single := g.(orb.Polygon)
	mp, err := geo.ToMultiPolygon(g)
	if err != nil {
		return nil, err
	}
	mp, _, err = geo.Repair(mp, RepairTolerance)
	if err != nil {
		return nil, err
	}
	if single && len(mp) == 1 {
		return mp[0], nil // keep the type the file used
	}
	return mp, nil
}

// ReadAssetsCSV reads assets from CSV with a header line, one point asset
// per line. Coordinates come from lon,lat columns (also named lng, long,
// longitude or x, and latitude or y) in WGS84, or from easting,northing
// columns in British National Grid (EPSG:27700), which are reprojected.
// Numbers that fit the other kind of column than the one they are in, or
// latitude and longitude exchanged, are refused. Other columns map to asset
// fields as in ReadAssetsGeoJSON, OSM keys (amenity, leisure...) as
// columns giving the category.
//
// A byte order mark and quoted fields are handled; wholly empty lines are
// skipped. Every error is EINVALID and names the file, the line (the
// header is line 1) and the field.
func ReadAssetsCSV(r io.Reader, name string, opts AssetOptions) ([]place.Asset, error) {
	cr := newCSVReader(r)
	header, err := csvHeader(cr, name)
	if err != nil {
		return nil, err
	}
	coords, err := findCoordColumns(header)
	pcCol, _, hasPostcode := column(header, "postcode")
	switch {
	case err != nil && opts.Postcodes != nil && hasPostcode && len(coords.columns) == 0:
		coords.none = true
	case err != nil && opts.Postcodes != nil && hasPostcode:
		return nil, invalidf(name, "line 1: %v", err)
	case err != nil && hasPostcode:
		return nil, invalidf(name, "line 1: %v (rows placed by postcode need postcodes imported first: placemap import postcodes FILE.csv)", err)
	case err != nil:
		return nil, invalidf(name, "line 1: %v", err)
	}

	var assets []place.Asset
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		pt, byPostcode, err := coords.locate(header, rec, pcCol, opts.Postcodes)
		if err != nil {
			return nil, invalidf(name, "line %d: %v", line, err)
		}
		fields := newRecord()
		for i, h := range header {
			if !coords.columns[i] {
				fields.add(h, rec[i])
			}
		}
		if byPostcode {
			fields.add(LocationPrecision, "postcode")
		}
		a, err := fields.asset(pt, opts)
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", name, line, err)
		}
		assets = append(assets, a)
	}
	if len(assets) == 0 {
		return nil, invalidf(name, "no assets: the file has a header but no data lines")
	}
	return assets, nil
}

// coordColumns says where a CSV file keeps its coordinates.
type coordColumns struct {
	x, y    int
	bng     bool
	none    bool         // no coordinate columns: every row placed by postcode
	columns map[int]bool // every coordinate column, kept out of tags
}

// locate reads a record's point: its coordinates, or, with a lookup, when
// they are empty, its postcode's point (byPostcode).
func (cc coordColumns) locate(header, rec []string, pcCol int, pcs PostcodeLookup) (pt orb.Point, byPostcode bool, err error) {
	empty := cc.none || (strings.TrimSpace(rec[cc.x]) == "" && strings.TrimSpace(rec[cc.y]) == "")
	if !empty || pcs == nil || pcCol < 0 {
		pt, err = cc.point(header, rec)
		return pt, false, err
	}
	pc := strings.TrimSpace(rec[pcCol])
	if pc == "" {
		return pt, false, fmt.Errorf("no coordinates and no postcode: want lon,lat, easting,northing or a postcode")
	}
	pt, err = pcs.PostcodePoint(pc)
	return pt, true, err
}

func findCoordColumns(header []string) (coordColumns, error) {
	// Matched ignoring case, in order of preference.
	lonColumns := []string{"lon", "lng", "long", "longitude", "x"}
	latColumns := []string{"lat", "latitude", "y"}
	eastingColumns := []string{"easting", "eastings"}
	northingColumns := []string{"northing", "northings"}

	cc := coordColumns{columns: map[int]bool{}}
	for _, names := range [][]string{lonColumns, latColumns, eastingColumns, northingColumns} {
		for _, n := range names {
			if i, _, ok := column(header, n); ok {
				cc.columns[i] = true
			}
		}
	}
	lon, _, hasLon := column(header, lonColumns...)
	lat, _, hasLat := column(header, latColumns...)
	e, _, hasE := column(header, eastingColumns...)
	n, _, hasN := column(header, northingColumns...)
	switch {
	case hasLon && hasLat:
		cc.x, cc.y = lon, lat
	case hasE && hasN:
		cc.x, cc.y, cc.bng = e, n, true
	case hasLon || hasLat || hasE || hasN:
		return cc, fmt.Errorf("coordinates need a pair of columns, lon and lat or easting and northing; the header has only one of a pair: %s", strings.Join(header, ","))
	default:
		return cc, fmt.Errorf("no coordinate columns: want lon,lat (or lng/longitude/x, latitude/y) or easting,northing; the header is %s", strings.Join(header, ","))
	}
	return cc, nil
}

// point reads a record's coordinates as a longitude/latitude point.
func (cc coordColumns) point(header, rec []string) (orb.Point, error) {
	x, err := number(header[cc.x], rec[cc.x])
	if err != nil {
		return orb.Point{}, err
	}
	y, err := number(header[cc.y], rec[cc.y])
	if err != nil {
		return orb.Point{}, err
	}
	p := orb.Point{x, y}
	if cc.bng {
		if lonLatRange(p) {
			return p, fmt.Errorf("%s/%s (%s, %s) look like longitude/latitude degrees, not metres; name the columns lon,lat", header[cc.x], header[cc.y], rec[cc.x], rec[cc.y])
		}
		if p[0] < 0 || p[0] > 700000 || p[1] < 0 || p[1] > 1300000 {
			return p, fmt.Errorf("%s/%s (%s, %s) are outside the British National Grid (0-700000, 0-1300000)", header[cc.x], header[cc.y], rec[cc.x], rec[cc.y])
		}
		return geo.FromBNG(p[0], p[1]), nil
	}
	switch {
	case geo.LooksLikeBNG(p):
		return p, fmt.Errorf("%s/%s look like British National Grid eastings/northings; name the columns easting,northing", header[cc.x], header[cc.y])
	case !lonLatRange(p):
		return p, fmt.Errorf("%s/%s (%s, %s) are not a longitude/latitude", header[cc.x], header[cc.y], rec[cc.x], rec[cc.y])
	case geo.LooksSwapped(p.Bound()):
		return p, fmt.Errorf("latitude and longitude appear swapped: %s is %s and %s is %s, which put Great Britain's latitude in %s", header[cc.y], rec[cc.y], header[cc.x], rec[cc.x], header[cc.x])
	}
	return p, nil
}

// number parses a coordinate field.
func number(field, s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("field %q is empty", field)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("field %q: %q is not a number", field, place.Excerpt(s))
	}
	return v, nil
}

// knownField reports whether lk, a lower-case attribute name, maps to an
// asset field; the other attributes become tags.
func knownField(lk string) bool {
	switch lk {
	case "name", "category", "status", "id", "address", "postcode",
		"opening_hours", "phone", "email", "website", "url", "operator",
		"source", "licence", "license", "attribution":
		return true
	}
	return false
}

// record is one asset's attributes as text, from GeoJSON properties or CSV
// columns.
type record struct {
	vals  map[string]attr   // by lower-case name; the first of a name wins
	order []string          // lower-case names in the order read
	tags  map[string]string // a GeoJSON "tags" object, OSM style
}

type attr struct{ key, value string }

func newRecord() *record {
	return &record{vals: map[string]attr{}, tags: map[string]string{}}
}

func (r *record) add(key, value string) {
	lk := strings.ToLower(strings.TrimSpace(key))
	if _, dup := r.vals[lk]; dup {
		return
	}
	r.vals[lk] = attr{key: key, value: strings.TrimSpace(value)}
	r.order = append(r.order, lk)
}

// text returns the first non-empty value of the named attributes, looking
// in the tags object last.
func (r *record) text(names ...string) string {
	for _, n := range names {
		if a, ok := r.vals[n]; ok && a.value != "" {
			return a.value
		}
	}
	for _, n := range names {
		if v := r.tags[n]; v != "" {
			return v
		}
	}
	return ""
}

// field returns the name an attribute has in the file, for messages.
func (r *record) field(lk string) string {
	if a, ok := r.vals[lk]; ok {
		return a.key
	}
	return lk
}

// asset builds an asset from the record. Errors are EINVALID and name the
// field, for the caller to prefix with file and feature or line.
func (r *record) asset(g orb.Geometry, opts AssetOptions) (place.Asset, error) {
	a := place.Asset{
		Geometry:     g,
		Name:         r.text("name"),
		SourceID:     r.text("id"),
		Address:      r.text("address"),
		Postcode:     r.text("postcode"),
		OpeningHours: r.text("opening_hours"),
		Phone:        r.text("phone"),
		Email:        r.text("email"),
		Website:      r.text("website", "url"),
		Operator:     r.text("operator"),
		Source:       firstOf(r.text("source"), opts.Source),
		Licence:      firstOf(r.text("licence", "license"), opts.Licence),
		Attribution:  firstOf(r.text("attribution"), opts.Attribution),
	}
	if a.Name == "" {
		return a, place.Errorf(place.EINVALID, "field \"name\" is missing or empty")
	}
	var err error
	if a.Category, err = r.category(opts.Category); err != nil {
		return a, err
	}
	if a.Status, err = r.status(); err != nil {
		return a, err
	}
	for _, lk := range r.order {
		if knownField(lk) || r.vals[lk].value == "" {
			continue
		}
		if a.Tags == nil {
			a.Tags = map[string]string{}
		}
		a.Tags[r.vals[lk].key] = r.vals[lk].value
	}
	for k, v := range r.tags {
		if knownField(strings.ToLower(k)) {
			continue
		}
		if _, dup := a.Tags[k]; dup {
			continue
		}
		if a.Tags == nil {
			a.Tags = map[string]string{}
		}
		a.Tags[k] = v
	}
	if err := a.Validate(); err != nil {
		return a, err
	}
	return a, nil
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// category finds the record's category: its own category field, else its
// OSM tags, else def.
func (r *record) category(def string) (string, error) {
	if v := r.text("category"); v != "" {
		id, ok := place.NormalizeCategory(v)
		if !ok {
			return "", place.Errorf(place.EINVALID, "field %q: %q is not a category; use one of %s", r.field("category"), place.Excerpt(v), strings.Join(place.CategoryIDs(), ", "))
		}
		return id, nil
	}
	if id, ok := place.CategoryFromTags(r.osmTags()); ok {
		return id, nil
	}
	if def != "" {
		id, ok := place.NormalizeCategory(def)
		if !ok {
			return "", place.Errorf(place.EINVALID, "default category %q is not a category; use one of %s", def, strings.Join(place.CategoryIDs(), ", "))
		}
		return id, nil
	}
	return "", place.Errorf(place.EINVALID, "no category: give a \"category\" field, OSM tags such as amenity=library, or a default category; categories are %s", strings.Join(place.CategoryIDs(), ", "))
}

// osmTags returns the record's OSM tags: its tags object, and attributes
// named as the OSM keys the categories are defined by.
func (r *record) osmTags() map[string]string {
	tags := make(map[string]string, len(r.tags))
	for k, v := range r.tags {
		tags[k] = v
	}
	for _, k := range osmKeys() {
		if a, ok := r.vals[k]; ok && a.value != "" {
			tags[k] = strings.ToLower(a.value) // OSM values are lower case; spreadsheets capitalise
		}
	}
	return tags
}

// osmKeys returns the OSM keys that place's categories are defined by
// (amenity, leisure, community_centre, social_facility...), so that a
// category added there is recognised here.
func osmKeys() []string {
	seen := map[string]bool{}
	for _, c := range place.Categories() {
		for k := range c.OSM {
			seen[k] = true
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (r *record) status() (place.Status, error) {
	v := r.text("status")
	if v == "" {
		return place.Open, nil
	}
	s := place.Status(strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(v)))
	if !s.Valid() {
		return "", place.Errorf(place.EINVALID, "field %q: %q is not one of %s", r.field("status"), place.Excerpt(v), statusList())
	}
	return s, nil
}

func statusList() string {
	s := make([]string, len(place.Statuses))
	for i, v := range place.Statuses {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}
