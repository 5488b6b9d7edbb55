package formats

import (
	"io"
	"strings"
)

// LookupRow is one line of a lookup table: a unit (a building block such as
// an Output Area) and the group it belongs to.
type LookupRow struct {
	Unit      string
	Group     string // the group's code
	GroupName string // the group's name; the code when the table has none
	Line      int    // line in the file, the header being line 1
}

// ReadLookup reads a CSV table assigning units to groups, such as Output
// Areas to council neighbourhoods, to build a boundary set by dissolving
// the units of each group. unitField, groupField and nameField are column
// names matched ignoring case; nameField may be "", and then GroupName is
// the group code (as it is on a line whose name is empty).
//
// Each unit may belong to one group: a unit on two lines with the same
// group is read once, with different groups is an error naming both lines.
// So is a group given two different names. Every error is EINVALID and
// names the file, the line (the header is line 1) and the field.
func ReadLookup(r io.Reader, name string, unitField, groupField, nameField string) ([]LookupRow, error) {
	cr := newCSVReader(r)
	header, err := csvHeader(cr, name)
	if err != nil {
		return nil, err
	}
	t := lookupTable{name: name, header: header, unitAt: map[string]int{}, groupNames: map[string]groupNamed{}}
	if t.cols, err = findLookupColumns(header, name, unitField, groupField, nameField); err != nil {
		return nil, err
	}
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
		if err := t.add(rec, line); err != nil {
			return nil, err
		}
	}
	if len(t.rows) == 0 {
		return nil, invalidf(name, "no rows: the file has a header but no data lines")
	}
	// A group's lines before the first that names it got the code as name.
	for i := range t.rows {
		if n, ok := t.groupNames[t.rows[i].Group]; ok {
			t.rows[i].GroupName = n.name
		}
	}
	return t.rows, nil
}

// lookupColumns are the indexes of a lookup table's columns; name is -1
// when the table has no group names.
type lookupColumns struct{ unit, group, name int }

// findLookupColumns finds the columns named unitField, groupField and
// nameField (which may be "") in header, of file name.
func findLookupColumns(header []string, name, unitField, groupField, nameField string) (lookupColumns, error) {
	col := func(field, role string) (int, error) {
		i, _, ok := column(header, field)
		if !ok {
			return -1, invalidf(name, "line 1: no %s column %q; the columns are %s", role, field, strings.Join(header, ", "))
		}
		return i, nil
	}
	cols := lookupColumns{name: -1}
	var err error
	if cols.unit, err = col(unitField, "unit"); err != nil {
		return cols, err
	}
	if cols.group, err = col(groupField, "group"); err != nil {
		return cols, err
	}
	if nameField != "" {
		if cols.name, err = col(nameField, "group name"); err != nil {
			return cols, err
		}
	}
	return cols, nil
}

// lookupTable is a lookup table as it is read.
type lookupTable struct {
	name       string // the file's
	header     []string
	cols       lookupColumns
	rows       []LookupRow
	unitAt     map[string]int        // unit → index in rows
	groupNames map[string]groupNamed // group → its name, where first given
}

// groupNamed is a group's name and the line that first gave it.
type groupNamed struct {
	name string
	line int
}

// add reads the record rec, at line: a unit read before is read again
// only to check it is in the same group.
func (t *lookupTable) add(rec []string, line int) error {
	row := LookupRow{
		Unit:  strings.TrimSpace(rec[t.cols.unit]),
		Group: strings.TrimSpace(rec[t.cols.group]),
		Line:  line,
	}
	switch {
	case row.Unit == "":
		return invalidf(t.name, "line %d: field %q (the unit) is empty", line, t.header[t.cols.unit])
	case row.Group == "":
		return invalidf(t.name, "line %d: field %q (the group) is empty for unit %s", line, t.header[t.cols.group], row.Unit)
	}
	row.GroupName = row.Group
	if t.cols.name >= 0 {
		if n := strings.TrimSpace(rec[t.cols.name]); n != "" {
			row.GroupName = n
			if prev, ok := t.groupNames[row.Group]; ok && prev.name != n {
				return invalidf(t.name, "line %d: field %q: group %s is named %q here but %q at line %d", line, t.header[t.cols.name], row.Group, n, prev.name, prev.line)
			}
			t.groupNames[row.Group] = groupNamed{n, line}
		}
	}
	if i, ok := t.unitAt[row.Unit]; ok {
		prev := t.rows[i]
		if prev.Group != row.Group {
			return invalidf(t.name, "line %d: field %q: unit %s is in group %s here but in group %s at line %d; a unit may belong to one group", line, t.header[t.cols.group], row.Unit, row.Group, prev.Group, prev.Line)
		}
		return nil
	}
	t.unitAt[row.Unit] = len(t.rows)
	t.rows = append(t.rows, row)
	return nil
}
