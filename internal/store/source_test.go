package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// The store keeps derived tables in step with the tables they follow
// (tile versions, zoom bands, asset cells) by a call in every function
// that writes them; tests check that by reading the store's own source.

// sourceFile is one of the store's Go files, parsed.
type sourceFile struct {
	name string // as globbed: "bands.go", "gpkg/dialect.go"
	file *ast.File
}

// parseSource parses the non-test Go files of dirs (relative to this
// package's directory).
func parseSource(t *testing.T, dirs ...string) (*token.FileSet, []sourceFile) {
	t.Helper()
	fset := token.NewFileSet()
	var out []sourceFile
	for _, dir := range dirs {
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, sourceFile{name, f})
		}
	}
	return fset, out
}

// eachFunc calls fn for every function with a body in files.
func eachFunc(files []sourceFile, fn func(file string, decl *ast.FuncDecl)) {
	for _, f := range files {
		for _, d := range f.file.Decls {
			if decl, ok := d.(*ast.FuncDecl); ok && decl.Body != nil {
				fn(f.name, decl)
			}
		}
	}
}
