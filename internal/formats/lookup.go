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
	col := func(field, role string) (int, error) {
		i, _, ok := column(header, field)
		if !ok {
			return -1, invalidf(name, "line 1: no %s column %q; the columns are %s", role, field, strings.Join(header, ", "))
		}
		return i, nil
	}
	unitCol, err := col(unitField, "unit")
	if err != nil {
		return nil, err
	}
	groupCol, err := col(groupField, "group")
	if err != nil {
		return nil, err
	}
	nameCol := -1
	if nameField != "" {
		if nameCol, err = col(nameField, "group name"); err != nil {
			return nil, err
		}
	}

	var rows []LookupRow
	unitAt := map[string]int{} // unit → index in rows
	type named struct {
		name string
		line int
	}
	groupNames := map[string]named{}
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
		row := LookupRow{
			Unit:  strings.TrimSpace(rec[unitCol]),
			Group: strings.TrimSpace(rec[groupCol]),
			Line:  line,
		}
		switch {
		case row.Unit == "":
			return nil, invalidf(name, "line %d: field %q (the unit) is empty", line, header[unitCol])
		case row.Group == "":
			return nil, invalidf(name, "line %d: field %q (the group) is empty for unit %s", line, header[groupCol], row.Unit)
		}
		row.GroupName = row.Group
		if nameCol >= 0 {
			if n := strings.TrimSpace(rec[nameCol]); n != "" {
				row.GroupName = n
				if prev, ok := groupNames[row.Group]; ok && prev.name != n {
					return nil, invalidf(name, "line %d: field %q: group %s is named %q here but %q at line %d", line, header[nameCol], row.Group, n, prev.name, prev.line)
				}
				groupNames[row.Group] = named{n, line}
			}
		}
		if i, ok := unitAt[row.Unit]; ok {
			prev := rows[i]
			if prev.Group != row.Group {
				return nil, invalidf(name, "line %d: field %q: unit %s is in group %s here but in group %s at line %d; a unit may belong to one group", line, header[groupCol], row.Unit, row.Group, prev.Group, prev.Line)
			}
			continue
		}
		unitAt[row.Unit] = len(rows)
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, invalidf(name, "no rows: the file has a header but no data lines")
	}
	// A group's lines before the first that names it got the code as name.
	for i := range rows {
		if n, ok := groupNames[rows[i].Group]; ok {
			rows[i].GroupName = n.name
		}
	}
	return rows, nil
}
