package formats

import (
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// RepairTolerance is the largest change of area, as a fraction, that the
// readers accept from repairing an invalid polygon: enough to untangle a
// pinched or self-touching ring, too little to hide a wrong shape.
const RepairTolerance = 0.001

// BoundaryOptions names the properties of a boundary file that hold each
// area's code and name. An empty field is detected.
type BoundaryOptions struct {
	CodeField string
	NameField string
}

// BoundaryFile is what ReadBoundaries read.
type BoundaryFile struct {
	Areas     []place.Area // in file order; Set is left empty for the caller
	CodeField string       // the property codes came from; "" when they were made from names
	NameField string       // the property names came from; "" when names are the codes
	Repaired  []string     // codes of areas whose invalid geometry was repaired
	CRS       string       // the CRS the file declared: "OGC:CRS84", "EPSG:4326", "EPSG:27700", or "" for none (RFC 7946 WGS84)

	// CodesFromNames is true when the file had no code property and codes
	// were made from names with place.Slugify, repeats given -2, -3
	// suffixes.
	CodesFromNames bool

	// Notes are what a person importing the file should be told: fields
	// detected, codes made up, coordinates reprojected.
	Notes []string
}

// onsCodeField matches the code properties of ONS boundary files: WD13CD,
// LSOA11CD, PCON13CD. Each has a name partner ending NM.
var onsCodeField = regexp.MustCompile(`^[A-Z]{2,6}\d{2}CD$`)

// ReadBoundaries reads a GeoJSON FeatureCollection of Polygon and
// MultiPolygon features, one area each.
//
// Coordinates are WGS84 longitude/latitude (RFC 7946) unless a crs member
// names British National Grid (EPSG:27700), in which case they are
// reprojected; any other crs, or coordinates that look like another CRS
// than declared, fail. Code and name properties are taken from opts or
// detected: an ONS-style code (WD13CD, with WD13NM as name), else a "code"
// or "id" property, else codes are made from a "name" property. Codes must
// be unique. Invalid geometry is repaired if that changes its area by at
// most RepairTolerance, and refused otherwise. Properties other than the
// code and name are kept in Area.Properties.
//
// Every error is EINVALID and names the file, the feature and the field.
func ReadBoundaries(r io.Reader, name string, opts BoundaryOptions) (BoundaryFile, error) {
	c, features, err := readFeatureCollection(r, name)
	if err != nil {
		return BoundaryFile{}, err
	}
	if len(features) == 0 {
		return BoundaryFile{}, invalidf(name, "the FeatureCollection has no features")
	}
	fields, err := chooseFields(name, features, opts)
	if err != nil {
		return BoundaryFile{}, err
	}
	bf := BoundaryFile{
		Areas:          make([]place.Area, 0, len(features)),
		CodeField:      fields.code,
		NameField:      fields.name,
		CRS:            c.name,
		CodesFromNames: fields.code == "",
		Notes:          fields.notes,
	}
	if c.bng {
		bf.Notes = append(bf.Notes, "coordinates reprojected from British National Grid (EPSG:27700) to WGS84 longitude/latitude")
	}

	byCode := make(map[string]int, len(features)) // code → feature index
	slugs := make(map[string]bool)                // codes made from names so far
	for _, f := range features {
		code, areaName, codeKey, nameKey, err := fields.read(f, slugs)
		if err != nil {
			return BoundaryFile{}, invalidf(name, "feature %d: %v", f.index, err)
		}
		label := fmt.Sprintf("feature %d (code %s)", f.index, code)
		if prev, dup := byCode[code]; dup {
			return BoundaryFile{}, invalidf(name, "%s: code %s is also the code of feature %d; codes must be unique", label, code, prev)
		}
		byCode[code] = f.index

		mp, err := geo.ToMultiPolygon(f.geom)
		if err != nil {
			return BoundaryFile{}, fmt.Errorf("%s: %s: %w", name, label, err)
		}
		g, err := c.toLonLat(mp)
		if err != nil {
			return BoundaryFile{}, invalidf(name, "%s: geometry: %v", label, err)
		}
		mp, repaired, err := geo.Repair(g.(orb.MultiPolygon), RepairTolerance) // toLonLat keeps the type
		if err != nil {
			return BoundaryFile{}, fmt.Errorf("%s: %s: %w", name, label, err)
		}
		if repaired {
			bf.Repaired = append(bf.Repaired, code)
		}

		var props map[string]any
		for k, v := range f.props {
			if (codeKey != "" && k == codeKey) || (nameKey != "" && k == nameKey) {
				continue
			}
			if props == nil {
				props = make(map[string]any, len(f.props))
			}
			props[k] = v
		}
		area := place.Area{Code: code, Name: areaName, Properties: props, Geometry: mp}
		if err := area.Validate(); err != nil {
			return BoundaryFile{}, fmt.Errorf("%s: %s: %w", name, label, err)
		}
		bf.Areas = append(bf.Areas, area)
	}
	if bf.CodesFromNames {
		bf.Notes = append(bf.Notes, fmt.Sprintf("the file has no code property: codes were made from %q with place.Slugify (repeated names get -2, -3 suffixes)", fields.name))
	}
	return bf, nil
}

// fieldChoice is which properties hold codes and names.
type fieldChoice struct {
	code, name   string // property names; code "" means made from names
	explicitName bool   // the caller named the name field: it must be present
	notes        []string
}

// chooseFields takes the fields from opts and detects the rest from the
// features' properties.
func chooseFields(file string, features []feature, opts BoundaryOptions) (fieldChoice, error) {
	fc := fieldChoice{code: opts.CodeField, name: opts.NameField, explicitName: opts.NameField != ""}
	first := features[0].props
	if fc.code == "" {
		fc.code = detectONSCode(features)
		if fc.code != "" {
			fc.notes = append(fc.notes, fmt.Sprintf("code field %s detected", fc.code))
		}
	}
	if fc.code == "" {
		for _, k := range []string{"code", "id"} {
			if key, ok := lookupKey(first, k); ok {
				fc.code = key
				fc.notes = append(fc.notes, fmt.Sprintf("code field %s detected", key))
				break
			}
		}
	}
	if fc.name == "" && fc.code != "" && onsCodeField.MatchString(fc.code) {
		partner := strings.TrimSuffix(fc.code, "CD") + "NM"
		if _, ok := first[partner]; ok {
			fc.name = partner
		}
	}
	if fc.name == "" {
		if key, ok := lookupKey(first, "name"); ok {
			fc.name = key
		}
	}
	if fc.code == "" && fc.name == "" {
		keys := map[string]bool{}
		for _, f := range features {
			for k := range f.props {
				keys[k] = true
			}
		}
		seen := strings.Join(slices.Sorted(maps.Keys(keys)), ", ")
		if seen == "" {
			seen = "none"
		}
		return fc, invalidf(file, "cannot tell which property holds each area's code: there is no ONS-style code (such as WD13CD), no \"code\" or \"id\" and no \"name\" to make codes from; properties seen: %s; name the code field", seen)
	}
	if fc.name != "" && !fc.explicitName && fc.code != "" {
		fc.notes = append(fc.notes, fmt.Sprintf("name field %s detected", fc.name))
	}
	return fc, nil
}

// detectONSCode returns the ONS-style code property of the features, or "".
// A file may have several (an OA file carries LAD11CD beside OA11CD): the
// one present on every feature with a different value on each wins, then
// one with a name partner, then the first alphabetically.
func detectONSCode(features []feature) string {
	type cand struct {
		key           string
		unique, hasNM bool
	}
	var cands []cand
	for _, k := range slices.Sorted(maps.Keys(features[0].props)) {
		if !onsCodeField.MatchString(k) {
			continue
		}
		values := make(map[string]bool, len(features))
		everywhere := true
		for _, f := range features {
			v, ok := scalarString(f.props[k])
			if !ok || strings.TrimSpace(v) == "" {
				everywhere = false
				break
			}
			values[v] = true
		}
		_, hasNM := features[0].props[strings.TrimSuffix(k, "CD")+"NM"]
		cands = append(cands, cand{k, everywhere && len(values) == len(features), hasNM})
	}
	if len(cands) == 0 {
		return ""
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].unique != cands[j].unique {
			return cands[i].unique
		}
		return cands[i].hasNM && !cands[j].hasNM
	})
	return cands[0].key
}

// read returns a feature's code and name, and the property keys they came
// from. slugs holds the codes already made from names.
func (fc fieldChoice) read(f feature, slugs map[string]bool) (code, name, codeKey, nameKey string, err error) {
	if fc.code != "" {
		codeKey, code = property(f.props, fc.code)
		if code == "" {
			return "", "", "", "", fmt.Errorf("property %q (the code) is missing or empty%s", fc.code, has(f.props))
		}
	}
	if fc.name != "" {
		nameKey, name = property(f.props, fc.name)
		if name == "" && (fc.explicitName || fc.code == "") {
			return "", "", "", "", fmt.Errorf("property %q (the name) is missing or empty%s", fc.name, has(f.props))
		}
	}
	if name == "" {
		name = code
	}
	if fc.code == "" {
		base := place.Slugify(name)
		if base == "" {
			return "", "", "", "", fmt.Errorf("property %q: name %q has no letters or digits to make a code from", nameKey, name)
		}
		code = base
		for n := 2; slugs[code]; n++ {
			code = base + "-" + strconv.Itoa(n)
		}
		slugs[code] = true
	}
	return code, name, codeKey, nameKey, nil
}

// property returns the key matching field in props and its value as
// trimmed text; "" when missing, null or not a scalar.
func property(props map[string]any, field string) (key, value string) {
	key, ok := lookupKey(props, field)
	if !ok {
		return "", ""
	}
	v, _ := scalarString(props[key])
	return key, strings.TrimSpace(v)
}

// has lists a feature's properties for an error message.
func has(props map[string]any) string {
	if len(props) == 0 {
		return " (the feature has no properties)"
	}
	return " (the feature has " + strings.Join(slices.Sorted(maps.Keys(props)), ", ") + ")"
}
