package formats

import (
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// IndicatorColumn names a numeric column of an indicator table and the
// indicator it becomes.
type IndicatorColumn struct {
	Heading string // the column heading, matched ignoring case
	Name    string // the indicator's name; "" for one made from the heading
	Title   string // what people read; "" for the heading
	Kind    string // count or rate
}

// ParseIndicatorColumn reads "HEADING", "HEADING=name" or
// "HEADING=name=Title", as the CLI and the demo manifest give columns.
func ParseIndicatorColumn(spec, kind string) IndicatorColumn {
	parts := strings.SplitN(spec, "=", 3)
	c := IndicatorColumn{Heading: strings.TrimSpace(parts[0]), Kind: kind}
	if len(parts) > 1 {
		c.Name = strings.TrimSpace(parts[1])
	}
	if len(parts) > 2 {
		c.Title = strings.TrimSpace(parts[2])
	}
	return c
}

// IndicatorTable is what ReadIndicators read.
type IndicatorTable struct {
	Values  map[string]map[string]float64 // indicator name → area code → value
	Columns []IndicatorColumn             // as read, names filled in
	Skipped []string                      // numeric columns not declared, left out
}

// ReadIndicators reads a CSV table of figures per area: codeField holds
// each area's code; each declared column becomes an indicator. An empty
// cell is a missing value, not a zero. Numeric columns that were not
// declared are listed in Skipped, so the caller can say how to import them.
// Every error is EINVALID and names the file, the line and the field.
func ReadIndicators(r io.Reader, name, codeField string, cols []IndicatorColumn) (IndicatorTable, error) {
	t := IndicatorTable{Values: map[string]map[string]float64{}}
	cr := newCSVReader(r)
	header, err := csvHeader(cr, name)
	if err != nil {
		return t, err
	}
	codeCol, _, ok := column(header, codeField)
	if !ok {
		return t, invalidf(name, "line 1: no code column %q; the columns are %s", codeField, strings.Join(header, ", "))
	}
	if len(cols) == 0 {
		return t, invalidf(name, "no columns declared: name each one to import as a count or a rate")
	}
	idx, err := findIndicatorColumns(header, name, cols, t.Values)
	if err != nil {
		return t, err
	}
	t.Columns = cols
	// The columns not declared, until a cell that is not a number.
	numeric := make([]bool, len(header))
	for i := range numeric {
		numeric[i] = i != codeCol && !slices.Contains(idx, i)
	}
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return t, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		code := strings.TrimSpace(rec[codeCol])
		if code == "" {
			return t, invalidf(name, "line %d: field %q (the area code) is empty", line, header[codeCol])
		}
		if prev, ok := seen[code]; ok {
			return t, invalidf(name, "line %d: field %q: area %s is also on line %d", line, header[codeCol], code, prev)
		}
		seen[code] = line
		if err := readIndicatorValues(name, line, rec, code, cols, idx, t.Values); err != nil {
			return t, err
		}
		unmarkNonNumeric(numeric, rec)
	}
	if len(seen) == 0 {
		return t, invalidf(name, "no rows: the file has a header but no data lines")
	}
	for j, n := range numeric {
		if n {
			t.Skipped = append(t.Skipped, header[j])
		}
	}
	return t, nil
}

// unmarkNonNumeric clears numeric[j] where the cell rec[j] holds something
// other than a number.
func unmarkNonNumeric(numeric []bool, rec []string) {
	for j := range numeric {
		if numeric[j] && j < len(rec) {
			if _, err := strconv.ParseFloat(strings.TrimSpace(rec[j]), 64); err != nil && strings.TrimSpace(rec[j]) != "" {
				numeric[j] = false
			}
		}
	}
}

// findIndicatorColumns finds each declared column in header, of file
// name, and returns their indexes. It completes cols (the heading as
// written, a name from it where none is given) and adds to values a map
// for each.
func findIndicatorColumns(header []string, name string, cols []IndicatorColumn, values map[string]map[string]float64) ([]int, error) {
	idx := make([]int, len(cols))
	for i, c := range cols {
		j, h, ok := column(header, c.Heading)
		if !ok {
			return nil, invalidf(name, "line 1: no column %q; the columns are %s", c.Heading, strings.Join(header, ", "))
		}
		if c.Name == "" {
			cols[i].Name = indicatorName(h)
		}
		cols[i].Heading = h
		idx[i] = j
		values[cols[i].Name] = map[string]float64{}
	}
	return idx, nil
}

// readIndicatorValues reads the declared columns' cells (at idx) of the
// record rec, at line, for area code into values.
func readIndicatorValues(name string, line int, rec []string, code string, cols []IndicatorColumn, idx []int, values map[string]map[string]float64) error {
	for i, c := range cols {
		cell := strings.TrimSpace(rec[idx[i]])
		if cell == "" {
			continue
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(cell, ",", ""), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return invalidf(name, "line %d: field %q: %q is not a number", line, c.Heading, cell)
		}
		values[c.Name][code] = v
	}
	return nil
}

// indicatorName makes an indicator name from a heading: lower case words
// joined by underscores, starting with a letter.
func indicatorName(heading string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(heading) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
		default:
			under = true
		}
	}
	s := b.String()
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		s = "x_" + s
	}
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "_")
	}
	return s
}
