package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
)

// drawingsFile is a FeatureCollection of boxes drawn by residents, with
// the properties such files carry (some of them personal).
func drawingsFile(extra string) string {
	box := func(x float64, name, why string) string {
		return fmt.Sprintf(`{"type":"Feature","properties":{"Name":%q,"why":%q,"email":"someone@example.org"},"geometry":{"type":"Polygon","coordinates":[[[%g,53.3],[%g,53.3],[%g,53.33],[%g,53.33],[%g,53.3]]]}}`,
			name, why, x, x+0.03, x+0.03, x, x)
	}
	return `{"type":"FeatureCollection","features":[` + box(-1.48, "Heeley", "the park") + `,` + box(-1.47, "", "") + `,` + box(-1.46, "Heeley Bottom", "the shops") + extra + `]}`
}

// TestImportDrawings: a file of drawings becomes published drawings of a
// place, with the names and answers asked for and nothing else; a bad
// outline refuses the whole file naming its feature; so does a place that
// does not exist.
func TestImportDrawings(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	ctx := context.Background()
	st, err := gpkg.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SavePlace(ctx, place.Place{Slug: "heeley", Name: "Heeley"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	args := func(file, placeSlug string) []string {
		return []string{"import", "drawings", write(t, dir, file, drawingsFile("")), "--place", placeSlug, "--name-field", "name",
			"--answer-field", "What makes it your neighbourhood?=why", "--data", data}
	}
	for _, bad := range []struct{ name, content, want string }{
		{"a point", `,{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[-1.4,53.3]}}`, "feature 3"},
		{"a bow-tie", `,{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[-1.4,53.3],[-1.3,53.4],[-1.3,53.3],[-1.4,53.4],[-1.4,53.3]]]}}`, "feature 3"},
	} {
		a := args("bad.geojson", "heeley")
		a[2] = write(t, dir, "bad.geojson", drawingsFile(bad.content))
		if code, out, errs := cli(t, a...); code == 0 || !strings.Contains(errs, bad.want) {
			t.Errorf("%s: %d %q %q", bad.name, code, out, errs)
		}
	}
	if code, out, errs := cli(t, args("drawn.geojson", "nowhere")...); code == 0 || !strings.Contains(errs, "nowhere") {
		t.Errorf("no such place: %d %q %q", code, out, errs)
	}
	code, out, errs := cli(t, args("workshop.geojson", "heeley")...)
	if code != 0 || !strings.Contains(out, "imported 3 drawings of heeley") {
		t.Fatalf("import drawings: %d %q %q", code, out, errs)
	}
	st, err = gpkg.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	page, err := st.Drawings(ctx, store.DrawingQuery{Place: "heeley"})
	if err != nil || page.Matched != 3 {
		t.Fatalf("heeley's drawings after the import: %+v %v (the refused files must have written none)", page, err)
	}
	d := page.Drawings
	if d[0].Name != "Heeley" || d[1].Name != "Heeley" || d[2].Name != "Heeley Bottom" || d[0].Source != "import: workshop.geojson" ||
		d[0].Status != place.DrawingPublished || len(d[0].Answers) != 1 || d[0].Answers[0].Answer != "the park" || len(d[1].Answers) != 0 {
		t.Errorf("the imported drawings: %+v", d)
	}
	for _, dr := range d {
		if fmt.Sprint(dr) != strings.ReplaceAll(fmt.Sprint(dr), "someone@example.org", "") {
			t.Errorf("a drawing kept a property not asked for: %+v", dr)
		}
	}
}
