package postgis

import (
	"fmt"
	"strings"
)

// searchText is the text each table's search index (migration 00017)
// folds, with %[1]s for the table's alias: the expression Match writes
// must be the indexed one for the index to serve it.
var searchText = map[string]string{
	"assets":        `%[1]s.name`,
	"areas":         `%[1]s.name || ' ' || %[1]s.code`,
	"places":        `%[1]s.name || ' ' || %[1]s.alt_names::text`,
	"basemap_names": `%[1]s.name || ' ' || %[1]s.ref`,
}

// Terms are a tsquery: each term a prefix, all of them needed. Terms are
// letters and digits only; quoting keeps them single operands.
func (d *dialect) Terms(terms []string) string {
	q := make([]string, len(terms))
	for i, t := range terms {
		q[i] = `'` + strings.ReplaceAll(t, `'`, `''`) + `':*`
	}
	return strings.Join(q, " & ")
}

func (d *dialect) Match(table, alias, param string) (from, where string) {
	text, ok := searchText[table]
	if !ok {
		panic("postgis: no search index on " + table)
	}
	return table + " " + alias, fmt.Sprintf(`to_tsvector('simple', placemap_fold(`+text+`)) @@ to_tsquery('simple', placemap_fold(%[2]s))`, alias, param)
}
