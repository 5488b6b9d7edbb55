package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/storetest"
)

// drawnFeature is a drawing's Feature: a box from (x0, y0) to (x1, y1),
// named.
func drawnFeature(name string, x0, y0, x1, y1 float64) string {
	return fmt.Sprintf(`{"type":"Feature","properties":{"name":%q},"geometry":{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}}`,
		name, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
}

// drawingSetup is a community set with one area and the place heeley,
// defined by an area of the grid and one of the community set.
func drawingSetup(t *testing.T, st *store.DB) {
	t.Helper()
	ctx := context.Background()
	community := place.BoundarySet{Slug: "drawn", Title: "Drawn by residents", Kind: place.Community, Licence: "CC0-1.0", Attribution: "residents"}
	if _, err := st.ImportSet(ctx, community, storetest.Grid()[:1]); err != nil {
		t.Fatal(err)
	}
	for _, p := range []place.Place{
		{Slug: "heeley", Name: "Heeley", Links: []place.PlaceLink{{Set: "grid", Code: "A1", Confirmed: true}, {Set: "drawn", Code: "A1", Confirmed: true}}},
		{Slug: "sharrow", Name: "Sharrow"},
	} {
		if err := st.SavePlace(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
}

type drawingSent struct {
	ID, Status, Drawing, EditKey, EditURL string
}

func sendDrawing(t *testing.T, c *http.Client, base, body string) drawingSent {
	t.Helper()
	code, _, got := do(t, c, base, call{"POST", "/api/suggestions", body, nil})
	var sent drawingSent
	if err := json.Unmarshal([]byte(got), &sent); err != nil || code != http.StatusAccepted {
		t.Fatalf("suggest a drawing: %d %s", code, got)
	}
	m := map[string]string{}
	_ = json.Unmarshal([]byte(got), &m)
	sent.EditKey, sent.EditURL = m["edit_key"], m["edit_url"]
	return sent
}

// TestDrawMyNeighbourhood: a visitor draws "my neighbourhood" for a place;
// nothing is public until a moderator accepts; then the drawing is
// published as evidence of the place, and no set changes: the set keeps
// its areas and the place its definitions.
func TestDrawMyNeighbourhood(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		ctx := context.Background()
		drawingSetup(t, st)
		drawing := func(set, placeSlug, answers string) string {
			return `{"kind":"area","set":"` + set + `","place":"` + placeSlug + `","comment":"the streets I walk","answers":` + answers + `,
				"feature":` + drawnFeature("Heeley <b>as I know it</b>", -1.49, 53.26, -1.42, 53.32) + `}`
		}
		good := `{"What makes it your neighbourhood?":"the park","What do you call this area?":"Heeley"}`
		for _, bad := range []struct{ name, body, want string }{
			{"a ward", drawing("grid", "heeley", "{}"), "community set"},
			{"no such place", drawing("", "nowhere", "{}"), "nowhere"},
			{"no drawing", `{"kind":"area","place":"heeley"}`, "feature"},
			{"a point", strings.Replace(drawing("", "", "{}"), `"type":"Polygon","coordinates":[[[-1.49,53.26],[-1.42,53.26],[-1.42,53.32],[-1.49,53.32],[-1.49,53.26]]]`, `"type":"Point","coordinates":[-1.4,53.3]`, 1), "Point"},
			{"an unknown question", drawing("", "heeley", `{"Who are you?":"me"}`), "Who are you?"},
			{"no name", strings.Replace(drawing("", "heeley", "{}"), `"name":"Heeley <b>as I know it</b>"`, `"name":""`, 1), "properties.name"},
			{"a long answer", drawing("", "heeley", `{"What do you call this area?":"`+strings.Repeat("x", 2001)+`"}`), "longer than"},
		} {
			if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions", bad.body, nil}); code != 400 && code != 404 || !strings.Contains(body, bad.want) {
				t.Errorf("%s: %d %s", bad.name, code, body)
			}
		}
		sent := sendDrawing(t, c, srv.URL, drawing("drawn", "heeley", good))
		if sent.Drawing == "" || len(sent.EditKey) < 40 || sent.EditURL != "/#my-drawing/"+sent.Drawing+"?key="+sent.EditKey {
			t.Fatalf("the answer lacks the private link: %+v", sent)
		}
		if code, _, body := do(t, c, srv.URL, call{"GET", "/api/places/heeley/drawings", "", nil}); code != 200 || !strings.Contains(body, `"numberMatched":0`) {
			t.Errorf("a pending drawing is listed: %d %s", code, body)
		}
		mine := "/api/drawings/" + sent.Drawing + "?key=" + sent.EditKey
		if code, _, body := do(t, c, srv.URL, call{"GET", mine, "", nil}); code != 200 || !strings.Contains(body, `"status":"pending"`) || !strings.Contains(body, `"answer":"the park"`) {
			t.Errorf("my drawing, pending: %d %s", code, body)
		}
		for _, wrong := range []string{"/api/drawings/" + sent.Drawing, "/api/drawings/" + sent.Drawing + "?key=x" + sent.EditKey[1:], "/api/drawings/nope?key=" + sent.EditKey} {
			if code, _, body := do(t, c, srv.URL, call{"GET", wrong, "", nil}); code != 404 || strings.Contains(body, "Heeley") {
				t.Errorf("%s: %d %s", wrong, code, body)
			}
		}
		_, _, body := do(t, c, srv.URL, call{"GET", "/api/suggestions?status=pending", "", bearer("moderator")})
		var queue struct {
			Suggestions []struct {
				ID, Kind, Place, Drawing string
				Answers                  []place.Answer
				Proposed                 struct {
					Geometry   struct{ Type string }
					Properties map[string]any
				}
			}
		}
		_ = json.Unmarshal([]byte(body), &queue)
		if len(queue.Suggestions) != 1 || queue.Suggestions[0].Kind != "area" || queue.Suggestions[0].Proposed.Geometry.Type != "MultiPolygon" ||
			queue.Suggestions[0].Proposed.Properties["name"] != "Heeley <b>as I know it</b>" || queue.Suggestions[0].Place != "heeley" ||
			queue.Suggestions[0].Drawing != sent.Drawing || len(queue.Suggestions[0].Answers) != 2 ||
			queue.Suggestions[0].Answers[0] != (place.Answer{Question: "What do you call this area?", Answer: "Heeley"}) {
			t.Fatalf("queue: %s", body)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + sent.ID + "/accept", "", bearer("moderator")}); code != 200 {
			t.Fatalf("accept: %d %s", code, body)
		}
		if sum, _ := st.Set(ctx, "drawn"); sum.AreaCount != 1 {
			t.Errorf("publishing a drawing changed the set: %d areas", sum.AreaCount)
		}
		if p, _ := st.Place(ctx, "heeley"); len(p.Links) != 2 {
			t.Errorf("publishing a drawing changed the place's definitions: %+v", p.Links)
		}
		code, hdr, body := do(t, c, srv.URL, call{"GET", "/api/places/heeley/drawings", "", nil})
		if code != 200 || hdr.Get("Content-Type") != "application/geo+json" || !strings.Contains(body, `"numberReturned":1`) ||
			!strings.Contains(body, `"source":"resident"`) || !strings.Contains(body, `"question":"What makes it your neighbourhood?"`) ||
			strings.Contains(body, "anonymous") || strings.Contains(body, "key") {
			t.Errorf("published drawings: %d %s", code, body)
		}
		if code, _, body := do(t, c, srv.URL, call{"GET", mine, "", nil}); code != 200 || !strings.Contains(body, `"status":"published"`) {
			t.Errorf("my drawing, published: %d %s", code, body)
		}
		if code, _, body := do(t, c, srv.URL, call{"GET", "/api/places/nowhere/drawings", "", nil}); code != 404 {
			t.Errorf("drawings of no place: %d %s", code, body)
		}
	})
}

// TestChangeMyDrawing: by the private link a resident sends a change; the
// published drawing stays until a moderator accepts the change, which
// then replaces it (still one drawing); a wrong key changes nothing.
func TestChangeMyDrawing(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		drawingSetup(t, st)
		sent := sendDrawing(t, c, srv.URL, `{"kind":"area","place":"heeley","feature":`+drawnFeature("Old Heeley", -1.49, 53.26, -1.42, 53.32)+`}`)
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + sent.ID + "/accept", "", bearer("moderator")}); code != 200 {
			t.Fatalf("accept: %d %s", code, body)
		}
		change := `{"feature":` + drawnFeature("New Heeley", -1.48, 53.27, -1.43, 53.31) + `,"answers":{"What do you call this area?":"Heeley Bottom"},"comment":"smaller"}`
		if code, _, body := do(t, c, srv.URL, call{"PUT", "/api/drawings/" + sent.Drawing + "?key=wrong", change, nil}); code != 404 {
			t.Errorf("a change with a wrong key: %d %s", code, body)
		}
		code, _, body := do(t, c, srv.URL, call{"PUT", "/api/drawings/" + sent.Drawing + "?key=" + sent.EditKey, change, nil})
		var changed drawingSent
		if err := json.Unmarshal([]byte(body), &changed); err != nil || code != http.StatusAccepted || changed.Drawing != sent.Drawing {
			t.Fatalf("change: %d %s", code, body)
		}
		if _, _, body := do(t, c, srv.URL, call{"GET", "/api/places/heeley/drawings", "", nil}); !strings.Contains(body, "Old Heeley") {
			t.Errorf("the published drawing went before the change was accepted: %s", body)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + changed.ID + "/accept", "", bearer("moderator")}); code != 200 {
			t.Fatalf("accept the change: %d %s", code, body)
		}
		_, _, body = do(t, c, srv.URL, call{"GET", "/api/places/heeley/drawings", "", nil})
		if !strings.Contains(body, "New Heeley") || strings.Contains(body, "Old Heeley") || !strings.Contains(body, `"numberMatched":1`) ||
			!strings.Contains(body, "Heeley Bottom") || !strings.Contains(body, "-1.48") {
			t.Errorf("the accepted change did not replace the drawing: %s", body)
		}
		// A drawing of no place: the moderator names it on accepting.
		loose := sendDrawing(t, c, srv.URL, `{"kind":"area","feature":`+drawnFeature("Somewhere", -1.47, 53.27, -1.44, 53.30)+`}`)
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + loose.ID + "/accept", "", bearer("moderator")}); code != 400 || !strings.Contains(body, "name the place") {
			t.Errorf("accept with no place: %d %s", code, body)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + loose.ID + "/accept", `{"place":"nowhere"}`, bearer("moderator")}); code != 400 || !strings.Contains(body, "nowhere") {
			t.Errorf("accept into no such place: %d %s", code, body)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + loose.ID + "/accept", `{"place":"heeley"}`, bearer("moderator")}); code != 200 {
			t.Errorf("accept naming the place: %d %s", code, body)
		}
		if _, _, body := do(t, c, srv.URL, call{"GET", "/api/places/heeley/drawings", "", nil}); !strings.Contains(body, `"numberMatched":2`) {
			t.Errorf("the named drawing is not listed: %s", body)
		}
		// Rejected, a drawing stays unpublished.
		spam := sendDrawing(t, c, srv.URL, `{"kind":"area","place":"heeley","feature":`+drawnFeature("spam", -1.47, 53.27, -1.44, 53.30)+`}`)
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + spam.ID + "/reject", `{"reason":"not a place"}`, bearer("moderator")}); code != 200 {
			t.Fatalf("reject: %d %s", code, body)
		}
		if _, _, body := do(t, c, srv.URL, call{"GET", "/api/drawings/" + spam.Drawing + "?key=" + spam.EditKey, "", nil}); !strings.Contains(body, `"status":"rejected"`) {
			t.Errorf("a rejected drawing: %s", body)
		}
		if _, _, body := do(t, c, srv.URL, call{"GET", "/api/places/heeley/drawings", "", nil}); strings.Contains(body, "spam") {
			t.Errorf("a rejected drawing is listed: %s", body)
		}
	})
}

// TestAdoptConsensus: a moderator turns the ground most drawings cover
// into an area of a community set, with its provenance, linked to the
// place; again, it is a new version of that area; the bad cases say why.
func TestAdoptConsensus(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		ctx := context.Background()
		drawingSetup(t, st)
		// Three boxes 0.03° wide, 0.01° apart: ground x in [-1.46,-1.45]
		// is in all three, the columns either side in two, the outer ones
		// in one.
		var ds []place.Drawing
		for i, x0 := range []float64{-1.48, -1.47, -1.46} {
			ds = append(ds, place.Drawing{ID: fmt.Sprintf("d%d", i), Name: "Heeley", Source: "import: test", Geometry: storetest.Square(x0, 53.28, 0.03)})
		}
		if n, err := st.ImportDrawings(ctx, "heeley", ds); err != nil || n != 3 {
			t.Fatalf("import: %d %v", n, err)
		}
		adopt := func(placeSlug, body, role string) (int, string) {
			code, _, got := do(t, c, srv.URL, call{"POST", "/api/places/" + placeSlug + "/drawings/adopt", body, bearer(role)})
			return code, got
		}
		body := `{"set":"drawn","code":"heeley-residents","name":"Heeley","threshold":0.5}`
		if code, got := adopt("heeley", body, ""); code != 401 && code != 403 {
			t.Errorf("adopt anonymously: %d %s", code, got)
		}
		if code, got := adopt("heeley", body, "editor"); code != 403 {
			t.Errorf("adopt as an editor: %d %s", code, got)
		}
		code, got := adopt("heeley", body, "moderator")
		if code != http.StatusCreated || !strings.Contains(got, `"from_drawings":3`) || !strings.Contains(got, `"threshold":0.5`) ||
			!strings.Contains(got, "ground at least 50% of 3 residents' drawings cover") || !strings.Contains(got, `"adopted_at"`) {
			t.Fatalf("adopt: %d %s", code, got)
		}
		a, err := st.Area(ctx, "drawn", "heeley-residents")
		if err != nil {
			t.Fatal(err)
		}
		// Covered by two or three of the boxes: x from -1.47 to -1.44.
		if b := a.Geometry.Bound(); !near(b.Min[0], -1.47) || !near(b.Max[0], -1.44) || !near(b.Min[1], 53.28) || !near(b.Max[1], 53.31) {
			t.Errorf("the consensus outline is %v", b)
		}
		p, _ := st.Place(ctx, "heeley")
		linked := false
		for _, l := range p.Links {
			linked = linked || (l.Set == "drawn" && l.Code == "heeley-residents" && l.Note == "consensus of 3 residents' drawings")
		}
		if !linked {
			t.Errorf("heeley's links: %+v", p.Links)
		}
		if code, got := adopt("heeley", strings.Replace(body, "0.5", "1", 1), "moderator"); code != http.StatusCreated || !strings.Contains(got, `"version":2`) {
			t.Errorf("adopt again: %d %s", code, got)
		}
		for _, bad := range []struct {
			name, place, body string
			code              int
			want              string
		}{
			{"a statistical set", "heeley", `{"set":"grid","code":"x","name":"X"}`, 400, "community set"},
			{"no such set", "heeley", `{"set":"nope","code":"x","name":"X"}`, 404, "nope"},
			{"no such place", "nowhere", body, 404, "nowhere"},
			{"no drawings", "sharrow", body, 400, "no published drawings"},
			{"a bad threshold", "heeley", strings.Replace(body, "0.5", "1.5", 1), 400, "threshold"},
		} {
			if code, got := adopt(bad.place, bad.body, "moderator"); code != bad.code || !strings.Contains(got, bad.want) {
				t.Errorf("%s: %d %s", bad.name, code, got)
			}
		}
		// Two drawings apart: no ground is in both.
		apart := []place.Drawing{{ID: "s1", Name: "Sharrow", Source: "import: test", Geometry: storetest.Square(-1.50, 53.36, 0.01)},
			{ID: "s2", Name: "Sharrow", Source: "import: test", Geometry: storetest.Square(-1.45, 53.36, 0.01)}}
		if _, err := st.ImportDrawings(ctx, "sharrow", apart); err != nil {
			t.Fatal(err)
		}
		if code, got := adopt("sharrow", strings.Replace(body, "0.5", "1", 1), "moderator"); code != 400 || !strings.Contains(got, "100% of the 2") {
			t.Errorf("an empty consensus: %d %s", code, got)
		}
	})
}

func near(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 }

// TestDrawingSurface: three overlapping boxes make faces covered by one,
// two and three drawings, with the areas the arrangement gives; a
// threshold gives the outline covered by that share; a place with no
// drawings has an empty surface.
func TestDrawingSurface(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		ctx := context.Background()
		drawingSetup(t, st)
		var ds []place.Drawing
		for i, x0 := range []float64{-1.48, -1.47, -1.46} {
			ds = append(ds, place.Drawing{ID: fmt.Sprintf("d%d", i), Name: "Heeley", Source: "import: test", Geometry: storetest.Square(x0, 53.28, 0.03)})
		}
		if _, err := st.ImportDrawings(ctx, "heeley", ds); err != nil {
			t.Fatal(err)
		}
		code, _, body := do(t, c, srv.URL, call{"GET", "/api/places/heeley/drawings/surface", "", nil})
		var fc struct {
			Features []struct {
				Properties struct {
					Count, Of int
					Share     float64
					Class     string
					AreaM2    float64 `json:"area_m2"`
				}
			}
			Summary struct {
				Drawings    int
				CoreM2      float64 `json:"core_m2"`
				ContestedM2 float64 `json:"contested_m2"`
				FringeM2    float64 `json:"fringe_m2"`
			}
		}
		if err := json.Unmarshal([]byte(body), &fc); err != nil || code != 200 {
			t.Fatalf("surface: %d %s", code, body)
		}
		// Columns 0.01° wide: counts 1, 2, 3, 2, 1 from west to east; one
		// face for each count, most first.
		byCount := map[int]float64{}
		for i, f := range fc.Features {
			byCount[f.Properties.Count] += f.Properties.AreaM2
			if f.Properties.Of != 3 || f.Properties.Count != 3-i || !near(f.Properties.Share, float64(3-i)/3) ||
				f.Properties.Class != map[int]string{1: "fringe", 2: "contested", 3: "core"}[f.Properties.Count] {
				t.Errorf("face %d: %+v", i, f.Properties)
			}
		}
		col := byCount[3]
		if len(fc.Features) != 3 || col < 1e5 || !within(byCount[2], 2*col) || !within(byCount[1], 2*col) {
			t.Errorf("faces by count: %v (%d faces)", byCount, len(fc.Features))
		}
		if fc.Summary.Drawings != 3 || !within(fc.Summary.CoreM2, col) || !within(fc.Summary.ContestedM2, 2*col) || !within(fc.Summary.FringeM2, 2*col) {
			t.Errorf("summary %+v", fc.Summary)
		}
		code, _, body = do(t, c, srv.URL, call{"GET", "/api/places/heeley/drawings/surface?threshold=0.6", "", nil})
		var one struct {
			Type       string
			Properties struct {
				Of     int
				AreaM2 float64 `json:"area_m2"`
			}
		}
		if err := json.Unmarshal([]byte(body), &one); err != nil || code != 200 || one.Type != "Feature" || one.Properties.Of != 3 || !within(one.Properties.AreaM2, 3*col) {
			t.Errorf("threshold 0.6: %d %s", code, body)
		}
		for _, bad := range []string{"?threshold=0", "?threshold=x", "?nope=1"} {
			if code, _, body := do(t, c, srv.URL, call{"GET", "/api/places/heeley/drawings/surface" + bad, "", nil}); code != 400 {
				t.Errorf("%s: %d %s", bad, code, body)
			}
		}
		if code, _, body := do(t, c, srv.URL, call{"GET", "/api/places/sharrow/drawings/surface", "", nil}); code != 200 || !strings.Contains(body, `"drawings":0`) {
			t.Errorf("the surface of no drawings: %d %s", code, body)
		}
		if code, _, _ := do(t, c, srv.URL, call{"GET", "/api/places/nowhere/drawings/surface", "", nil}); code != 404 {
			t.Errorf("the surface of no place: %d", code)
		}
	})
}

// within: a is b to within 1% (columns of equal degrees differ a little in
// square metres with latitude: not here, the boxes span the same rows).
func within(a, b float64) bool { return a > b*0.99 && a < b*1.01 }

// TestDrawingQuestionsConfigured: /api/config lists the deployment's
// questions (the defaults unless configured); answers are checked against
// them.
func TestDrawingQuestionsConfigured(t *testing.T) {
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.ImportSet(context.Background(), place.BoundarySet{Slug: "grid", Title: "Grid", Kind: place.Statistical}, storetest.Grid()); err != nil {
		t.Fatal(err)
	}
	drawingSetup(t, st)
	web := fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}
	for _, tc := range []struct {
		questions []string
		want      string
	}{{nil, `"drawing_questions":["What do you call this area?","What makes it your neighbourhood?"]`}, {[]string{"Why here?"}, `"drawing_questions":["Why here?"]`}} {
		srv := httptest.NewServer(httpapi.New(roles(st), web, httpapi.Config{DrawingQuestions: tc.questions}, slog.New(slog.NewTextHandler(io.Discard, nil))))
		defer srv.Close()
		if code, _, body := do(t, srv.Client(), srv.URL, call{"GET", "/api/config", "", nil}); code != 200 || !strings.Contains(body, tc.want) {
			t.Errorf("config: %d %s", code, body)
		}
	}
	srv := httptest.NewServer(httpapi.New(roles(st), web, httpapi.Config{DrawingQuestions: []string{"Why here?"}}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	send := func(answers string) (int, string) {
		code, _, body := do(t, srv.Client(), srv.URL, call{"POST", "/api/suggestions", `{"kind":"area","place":"heeley","answers":` + answers + `,"feature":` + drawnFeature("Heeley", -1.48, 53.28, -1.45, 53.31) + `}`, nil})
		return code, body
	}
	if code, body := send(`{"Why here?":"the park"}`); code != http.StatusAccepted {
		t.Errorf("a configured question: %d %s", code, body)
	}
	if code, body := send(`{"What do you call this area?":"Heeley"}`); code != 400 || !strings.Contains(body, "Why here?") {
		t.Errorf("a question this map does not ask: %d %s", code, body)
	}
}
