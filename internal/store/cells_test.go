package store

import (
	"go/ast"
	"regexp"
	"strings"
	"testing"
)

var (
	// assetInsert and assetDelete are statements adding or removing
	// assets (any spelling SQLite or PostgreSQL has).
	assetInsert = regexp.MustCompile(`(?i)\b(INSERT(\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|COPY)\s+assets\b`)
	assetDelete = regexp.MustCompile(`(?i)\b(DELETE\s+FROM|TRUNCATE(\s+TABLE)?)\s+assets\b`)
	// assetUpdate is an update of assets and what follows it in the
	// literal; cellUpdate, a SET clause naming a column cells are made
	// from.
	assetUpdate = regexp.MustCompile(`(?is)\bUPDATE\s+assets\s+SET\b(.*)`)
	cellColumns = regexp.MustCompile(`(?i)\b(geom|lon|lat|location|category)\b`)
)

// TestAssetWritesKeepCells: every function of the store and its dialects
// whose SQL adds assets counts them into their cells (countCells), whose
// SQL removes them takes them out first (uncountCells), and whose SQL
// updates them takes them out and counts them in again, unless the update
// is spelt out to its WHERE in one literal and sets none of the columns
// cells are made from (location, geometry, category). So no write leaves
// asset_cells, and the low-zoom tiles read from it, behind the assets.
func TestAssetWritesKeepCells(t *testing.T) {
	fset, files := parseSource(t, ".", "gpkg", "postgis")
	found := 0
	eachFunc(files, func(_ string, fn *ast.FuncDecl) {
		need, calls := cellNeeds(fn.Body)
		if len(need) > 0 {
			found++
		}
		for call, why := range need {
			if !calls[call] {
				t.Errorf("%s: %s writes assets (%s) without %s", fset.Position(fn.Pos()), fn.Name.Name, why, call)
			}
		}
	})
	if found < 3 {
		t.Errorf("found %d functions writing assets: the check has lost them", found)
	}
}

// cellNeeds says which of countCells and uncountCells a function body's
// SQL needs (and why), and which functions it calls.
func cellNeeds(body *ast.BlockStmt) (need map[string]string, calls map[string]bool) {
	need, calls = map[string]string{}, map[string]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			s := unquote(n.Value)
			if m := assetInsert.FindString(s); m != "" {
				need["countCells"] = m
			}
			if m := assetDelete.FindString(s); m != "" {
				need["uncountCells"] = m
			}
			if m := assetUpdate.FindStringSubmatch(s); m != nil {
				set, _, whole := strings.Cut(strings.ToUpper(m[1]), "WHERE")
				if !whole || cellColumns.MatchString(set) {
					need["countCells"], need["uncountCells"] = "UPDATE assets", "UPDATE assets"
				}
			}
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok {
				calls[id.Name] = true
			}
		}
		return true
	})
	return need, calls
}
