// Command measure reports the code-shape measures issue 16 set, and with
// -check fails when one is broken: no Go function outside tests and bench
// over 80 lines, no interface of more than 12 methods (embedded ones
// counted), no JavaScript file of ours over 600 lines. It also prints the
// non-test lines of the two database dialects.
//
//	go run ./scripts/measure [-check]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

const (
	maxFuncLines  = 80
	maxMethods    = 12
	maxScriptLine = 600
)

func main() {
	check := flag.Bool("check", false, "exit 1 when a measure is broken")
	flag.Parse()
	broken := 0
	funcs, ifaces, err := goShapes(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(2)
	}
	report := func(title string, rows []string) {
		fmt.Printf("%s: %d\n", title, len(rows))
		for _, r := range rows {
			fmt.Println("  " + r)
		}
		broken += len(rows)
	}
	report(fmt.Sprintf("Go functions over %d lines (outside tests and bench)", maxFuncLines), funcs)
	report(fmt.Sprintf("interfaces of more than %d methods", maxMethods), ifaces)
	scripts, err := longScripts("web")
	if err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(2)
	}
	report(fmt.Sprintf("JavaScript files over %d lines (web/, outside vendor)", maxScriptLine), scripts)
	for _, dir := range []string{"internal/store/gpkg", "internal/store/postgis", "internal/store"} {
		n, err := goLines(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "measure:", err)
			os.Exit(2)
		}
		fmt.Printf("non-test lines of %s: %d\n", dir, n)
	}
	if *check && broken > 0 {
		os.Exit(1)
	}
}

// skipped says whether a Go file is outside the measures: tests, bench/,
// node_modules.
func skipped(path string) bool {
	return strings.HasSuffix(path, "_test.go") || strings.HasPrefix(path, "bench/") || strings.Contains(path, "node_modules/")
}

// iface is an interface type as declared: its own methods and the names
// of the interfaces it embeds.
type iface struct {
	where, name string
	own         int
	embeds      []string
}

// goShapes lists the long functions and the wide interfaces under root.
func goShapes(root string) (funcs, ifaces []string, err error) {
	fset := token.NewFileSet()
	byPkg := map[string]map[string]*iface{} // directory → name → interface
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || skipped(path) {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Body != nil {
					lines := fset.Position(n.End()).Line - fset.Position(n.Pos()).Line + 1
					if lines > maxFuncLines {
						funcs = append(funcs, fmt.Sprintf("%s %s: %d lines", path, n.Name.Name, lines))
					}
				}
			case *ast.TypeSpec:
				if it, ok := n.Type.(*ast.InterfaceType); ok {
					dir := filepath.Dir(path)
					if byPkg[dir] == nil {
						byPkg[dir] = map[string]*iface{}
					}
					byPkg[dir][n.Name.Name] = declared(path, n.Name.Name, it)
				}
			}
			return true
		})
		return nil
	})
	for _, pkg := range byPkg {
		for _, it := range pkg {
			if m := methods(pkg, it, 0); m > maxMethods {
				ifaces = append(ifaces, fmt.Sprintf("%s %s: %d methods", it.where, it.name, m))
			}
		}
	}
	sort.Strings(funcs)
	sort.Strings(ifaces)
	return funcs, ifaces, err
}

func declared(path, name string, it *ast.InterfaceType) *iface {
	d := &iface{where: path, name: name}
	for _, f := range it.Methods.List {
		switch t := f.Type.(type) {
		case *ast.FuncType:
			d.own += len(f.Names)
		case *ast.Ident:
			d.embeds = append(d.embeds, t.Name)
		default:
			d.embeds = append(d.embeds, "") // another package's: counted as one
		}
	}
	return d
}

// methods counts an interface's methods with those of the interfaces it
// embeds from its own package; one from another package counts as one.
func methods(pkg map[string]*iface, it *iface, depth int) int {
	n := it.own
	for _, e := range it.embeds {
		if inner, ok := pkg[e]; ok && depth < 8 {
			n += methods(pkg, inner, depth+1)
		} else {
			n++
		}
	}
	return n
}

// longScripts lists our JavaScript files under dir over the limit.
func longScripts(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "vendor" {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".js") || strings.HasSuffix(path, ".mjs")) {
			return nil
		}
		n, err := countLines(path)
		if n > maxScriptLine {
			out = append(out, fmt.Sprintf("%s: %d lines", path, n))
		}
		return err
	})
	return out, err
}

// goLines counts the lines of the non-test Go files directly in dir.
func goLines(dir string) (int, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return 0, err
	}
	total := 0
	for _, p := range paths {
		if skipped(p) {
			continue
		}
		n, err := countLines(p)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	n := 0
	for sc.Scan() {
		n++
	}
	return n, sc.Err()
}
