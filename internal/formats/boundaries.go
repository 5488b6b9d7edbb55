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
	// SkipInvalid leaves out a feature that cannot be an area (bad or
	// collapsed geometry, a missing or repeated code) and lists it in
	// BoundaryFile.Skipped, instead of refusing the whole file. A file
	// with no valid feature is still refused.
	SkipInvalid bool
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

	// Features is how many features the file held; Skipped, with
	// SkipInvalid, the ones left out and why, in file order.
	Features int
	Skipped  []place.SkippedFeature
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
	if !opts.SkipInvalid {
		if err := featureError(name, features); err != nil {
			return BoundaryFile{}, err
		}
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
		Features:       len(features),
	}
	if c.bng {
		bf.Notes = append(bf.Notes, "coordinates reprojected from British National Grid (EPSG:27700) to WGS84 longitude/latitude")
	}

	byCode := make(map[string]int, len(features)) // code → feature index
	slugs := make(map[string]bool)                // codes made from names so far
	for _, f := range features {
		area, repaired, err := readArea(name, c, fields, f, byCode, slugs)
		if err != nil {
			if !opts.SkipInvalid || place.ErrorCode(err.cause) != place.EINVALID {
				return BoundaryFile{}, err.cause
			}
			bf.Skipped = append(bf.Skipped, place.SkippedFeature{Index: f.index, Code: printable(err.code), Reason: place.Truncate(err.reason(), 500)})
			continue
		}
		byCode[area.Code] = f.index
		if repaired {
			bf.Repaired = append(bf.Repaired, area.Code)
		}
		bf.Areas = append(bf.Areas, area)
	}
	if len(bf.Areas) == 0 {
		return BoundaryFile{}, invalidf(name, "every one of the %d features is invalid (the first, feature %d: %s); nothing to import",
			len(features), bf.Skipped[0].Index, bf.Skipped[0].Reason)
	}
	if bf.CodesFromNames {
		bf.Notes = append(bf.Notes, fmt.Sprintf("the file has no code property: codes were made from %q with place.Slugify (repeated names get -2, -3 suffixes)", fields.name))
	}
	return bf, nil
}

// featureFault is why a feature cannot be an area: the error as the file
// is refused with, and the code and reason a skip records.
type featureFault struct {
	code  string // the feature's code, "" if unknown
	why   error  // without the file and feature named
	cause error  // naming the file and the feature
}

func (f *featureFault) reason() string { return place.ErrorMessage(f.why) }

// readArea turns one feature into an area: its code and name, its
// geometry in longitude/latitude, repaired within RepairTolerance, and
// its other properties. byCode holds the codes of the areas read so far.
func readArea(name string, c crs, fields fieldChoice, f feature, byCode map[string]int, slugs map[string]bool) (place.Area, bool, *featureFault) {
	fault := func(code string, why error, cause error) (place.Area, bool, *featureFault) {
		return place.Area{}, false, &featureFault{code: code, why: why, cause: cause}
	}
	if f.err != nil {
		code, _, _, _, _ := fields.read(f, map[string]bool{})
		return fault(code, place.Errorf(place.EINVALID, "%v", f.err), invalidf(name, "feature %d: %v", f.index, f.err))
	}
	code, areaName, codeKey, nameKey, err := fields.read(f, slugs)
	if err != nil {
		return fault("", place.Errorf(place.EINVALID, "%v", err), invalidf(name, "feature %d: %v", f.index, err))
	}
	label := fmt.Sprintf("feature %d (code %s)", f.index, code)
	if prev, dup := byCode[code]; dup {
		why := place.Errorf(place.EINVALID, "code %s is also the code of feature %d; codes must be unique", code, prev)
		return fault(code, why, invalidf(name, "%s: %v", label, why))
	}
	mp, err := geo.ToMultiPolygon(f.geom)
	if err != nil {
		return fault(code, err, fmt.Errorf("%s: %s: %w", name, label, err))
	}
	g, err := c.toLonLat(mp)
	if err != nil {
		why := place.Errorf(place.EINVALID, "geometry: %v", err)
		return fault(code, why, invalidf(name, "%s: %v", label, why))
	}
	mp, repaired, err := geo.Repair(g.(orb.MultiPolygon), RepairTolerance) // toLonLat keeps the type
	if err != nil {
		return fault(code, err, fmt.Errorf("%s: %s: %w", name, label, err))
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
		return fault(code, err, fmt.Errorf("%s: %s: %w", name, label, err))
	}
	return area, repaired, nil
}

// printable is text safe to keep in a record whatever the input held: no
// NUL, valid UTF-8, at most place.MaxEcho bytes and a note of the length.
func printable(s string) string {
	return place.Excerpt(strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", "\uFFFD"), "\uFFFD"))
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
