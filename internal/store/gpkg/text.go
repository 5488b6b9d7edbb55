package gpkg

import "strings"

// Terms are an FTS5 query: each term a quoted prefix, all of them needed.
func (d *dialect) Terms(terms []string) string {
	q := make([]string, len(terms))
	for i, t := range terms {
		q[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"*`
	}
	return strings.Join(q, " AND ")
}

// Match reads the table's FTS5 index (migration 00019), joined to the
// table by rowid (the fid, or basemap_names' id).
func (d *dialect) Match(table, alias, param string) (from, where string) {
	fts := table + "_fts"
	return fts + " JOIN " + table + " " + alias + " ON " + alias + ".rowid = " + fts + ".rowid", fts + " MATCH " + param
}
