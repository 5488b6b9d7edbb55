package store

import (
	"go/ast"
	"regexp"
	"strconv"
	"testing"
)

// tileWrite is a statement writing a table some tile layer is made from
// (see TileVersions).
var tileWrite = regexp.MustCompile(`(?i)\b(INSERT INTO|UPDATE|DELETE FROM)\s+(assets|areas|boundary_sets|series|set_releases|basemap_features|basemap_info)\b`)

// TestTileWritesNameTheirLayers: every function of the store whose SQL
// writes a table tiles are made from names the layers it changes
// (tx.tiles with a key) in the same function, so no write of a layer's
// data leaves its cached tiles and ?v= URLs as they were. The statements
// are found in string literals and in the constants they use.
func TestTileWritesNameTheirLayers(t *testing.T) {
	fset, files := parseSource(t, ".")
	writes := map[string]bool{} // constants holding such a statement
	for _, f := range files {
		ast.Inspect(f.file, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok {
				for i, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && tileWrite.MatchString(unquote(lit.Value)) {
						writes[vs.Names[i].Name] = true
					}
				}
			}
			return true
		})
	}
	found := 0
	eachFunc(files, func(_ string, fn *ast.FuncDecl) {
		var writing string
		named := false
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if m := tileWrite.FindString(unquote(n.Value)); m != "" && writing == "" {
					writing = m
				}
			case *ast.Ident:
				if writes[n.Name] && writing == "" {
					writing = n.Name
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "tiles" && len(n.Args) > 0 {
					named = true
				}
			}
			return true
		})
		if writing == "" {
			return
		}
		found++
		if !named {
			t.Errorf("%s: %s writes a tile layer's data (%s) without naming the layer (tx.tiles)", fset.Position(fn.Pos()), fn.Name.Name, writing)
		}
	})
	if found < 10 {
		t.Errorf("found %d functions writing tile layers' data: the check has lost them", found)
	}
}

func unquote(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}
