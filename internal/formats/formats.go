// Package formats provides readers of the files people import: GeoJSON boundary files, asset GeoJSON and CSV, lookup CSVs.
//
// Every reader takes an io.Reader and the file's name, used only in error
// messages. Errors are place errors with code EINVALID whose message names
// the file, the feature (0-based index, "feature 12") or CSV line (1-based,
// the header being line 1) and the field, so a person can find and fix the
// fault. Readers return longitude/latitude geometry: British National Grid
// input is reprojected, and coordinates that look like another CRS are
// refused rather than guessed at.
package formats

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
)

// bom is the UTF-8 byte order mark that spreadsheet programs put at the
// start of CSV files they save as "UTF-8".
const bom = "\xEF\xBB\xBF"

// stripBOM returns r without a leading byte order mark.
func stripBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(bom)); err == nil && string(b) == bom {
		_, _ = br.Discard(len(bom))
	}
	return br
}

// invalidf returns an EINVALID error prefixed with the file name.
func invalidf(name, format string, args ...any) error {
	return place.Errorf(place.EINVALID, "%s: %s", name, fmt.Sprintf(format, args...))
}

// scalarString renders a JSON scalar as text: strings as they are, numbers
// without exponent or trailing zeros (2448, not 2448.000000 or 2.448e+03),
// booleans as true/false. ok is false for null, objects and arrays.
func scalarString(v any) (s string, ok bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	}
	return "", false
}

// lookupKey returns the key of m equal to want, or failing that equal to it
// ignoring case: people type "Name" and "NAME" for "name".
func lookupKey[V any](m map[string]V, want string) (string, bool) {
	if _, ok := m[want]; ok {
		return want, true
	}
	// Sorted so that, of "Name" and "NAME", the same one always wins.
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if strings.EqualFold(k, want) {
			return k, true
		}
	}
	return "", false
}

// forEachPoint calls fn for every position of g until fn returns false.
func forEachPoint(g orb.Geometry, fn func(orb.Point) bool) bool {
	switch g := g.(type) {
	case orb.Point:
		return fn(g)
	case orb.MultiPoint:
		for _, p := range g {
			if !fn(p) {
				return false
			}
		}
	case orb.LineString:
		return forEachPoint(orb.MultiPoint(g), fn)
	case orb.Ring:
		return forEachPoint(orb.MultiPoint(g), fn)
	case orb.MultiLineString:
		for _, l := range g {
			if !forEachPoint(l, fn) {
				return false
			}
		}
	case orb.Polygon:
		for _, r := range g {
			if !forEachPoint(r, fn) {
				return false
			}
		}
	case orb.MultiPolygon:
		for _, p := range g {
			if !forEachPoint(p, fn) {
				return false
			}
		}
	case orb.Collection:
		for _, c := range g {
			if !forEachPoint(c, fn) {
				return false
			}
		}
	}
	return true
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

func lonLatRange(p orb.Point) bool {
	return math.Abs(p[0]) <= 180 && math.Abs(p[1]) <= 90
}

// newCSVReader returns a csv.Reader over r, BOM removed, that allows
// leading spaces after commas and requires every record to have as many
// fields as the header.
func newCSVReader(r io.Reader) *csv.Reader {
	cr := csv.NewReader(stripBOM(r))
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = 0
	return cr
}

// csvError turns an encoding/csv error into one naming the file and line.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return invalidf(name, "line %d: %v", pe.Line, pe.Err)
	}
	return fmt.Errorf("read %s: %w", name, err)
}

// csvHeader reads the header, trimming names, and fails on an empty file.
func csvHeader(cr *csv.Reader, name string) ([]string, error) {
	header, err := cr.Read()
	if err == io.EOF {
		return nil, invalidf(name, "the file is empty; want a header line of column names")
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
	}
	return header, nil
}

// column returns the index of the first header named any of names,
// ignoring case, and the header's own spelling.
func column(header []string, names ...string) (int, string, bool) {
	for _, n := range names {
		for i, h := range header {
			if strings.EqualFold(h, n) {
				return i, h, true
			}
		}
	}
	return -1, "", false
}

// blank reports whether every field of a CSV record is empty: the rows
// spreadsheets leave below the data.
func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
