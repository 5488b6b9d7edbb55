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
	"time"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/storetest"
)

// The limits the moderation tests expect (place.MaxDrawnVertices,
// place.MaxDrawnBytes, place.MaxKept), written out so the tests read the
// same against any build.
const (
	maxCorners      = 2000
	maxDrawingBytes = 128 << 10
	maxKept         = 100
)

// fieldDiff is one line of a three-way comparison as the API sends it.
type fieldDiff struct {
	Field    string
	Suggests bool
	Since    bool `json:"changed_since"`
	Conflict bool
}

// moderationServer serves st as writeServer does (its accounts and tokens),
// with cfg and the default 1 MiB body limit unless cfg says otherwise.
func moderationServer(t *testing.T, st *store.DB, cfg httpapi.Config) *httptest.Server {
	t.Helper()
	writeServer(t, st)
	srv := httptest.NewServer(httpapi.New(roles(st), fstest.MapFS{}, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	return srv
}

// scopedUser adds an account of role with scopes and the API token
// "token-<id>".
func scopedUser(t *testing.T, st *store.DB, id string, role auth.Role, scopes ...string) map[string]string {
	t.Helper()
	ctx := context.Background()
	hash, _ := auth.HashPassword(password)
	if err := st.CreateUser(ctx, auth.User{ID: id, Email: id + "@example.org", Role: role, PasswordHash: hash, Scopes: scopes, CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateToken(ctx, auth.Token{Hash: auth.HashSecret("token-" + id), UserID: id, CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"Authorization": "Bearer token-" + id}
}

func assetPoint(name, category string, lon, lat float64, extra string) string {
	return fmt.Sprintf(`{"type":"Feature","properties":{"name":%s,"category":%q%s},"geometry":{"type":"Point","coordinates":[%g,%g]}}`,
		mustJSON(name), category, extra, lon, lat)
}

// sendSuggestion posts a suggestion and returns its id.
func sendSuggestion(t *testing.T, c *http.Client, base, body string, hd map[string]string) string {
	t.Helper()
	code, _, body := do(t, c, base, call{"POST", "/api/suggestions", body, hd})
	var sg struct{ ID string }
	if err := json.Unmarshal([]byte(body), &sg); err != nil || code != http.StatusAccepted || sg.ID == "" {
		t.Fatalf("suggest: %d %s", code, body)
	}
	return sg.ID
}

// ring is a simple polygon ring of n positions (first and last the same)
// around (-1.45, 53.30), in A1 of the grid.
func ring(n int) string {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < n-2; i++ {
		fmt.Fprintf(&b, "[%.6f,53.3],", -1.45+0.04*float64(i)/float64(n))
	}
	b.WriteString("[-1.43,53.32],[-1.45,53.3]]")
	return b.String()
}

func drawingBody(set, ringJSON string) string {
	return `{"kind":"area","set":"` + set + `","feature":{"type":"Feature","properties":{"name":"Where I live"},"geometry":{"type":"Polygon","coordinates":[` + ringJSON + `]}}}`
}

// TestSuggestionLimits (issue 15, item 2): a signed-in account is limited
// in suggestions an hour as an address is; a drawing's corners and size
// are capped; the moderation queue comes in pages.
func TestSuggestionLimits(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := moderationServer(t, st, httpapi.Config{SuggestionsPerHour: 3})
		c := srv.Client()
		ctx := context.Background()
		community := place.BoundarySet{Slug: "drawn", Title: "Drawn", Kind: place.Community}
		if _, err := st.ImportSet(ctx, community, storetest.Grid()[:1]); err != nil {
			t.Fatal(err)
		}
		// The per-account limit.
		var codes []int
		for i := range 4 {
			body := `{"kind":"new","feature":` + assetPoint(fmt.Sprint("Hall number ", i), "community_centre", -1.49+0.01*float64(i), 53.26, "") + `}`
			code, h, _ := do(t, c, srv.URL, call{"POST", "/api/suggestions", body, bearer("contributor")})
			codes = append(codes, code)
			if code == http.StatusTooManyRequests && h.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		}
		if fmt.Sprint(codes) != "[202 202 202 429]" {
			t.Errorf("four suggestions from one account: %v, want three 202 then 429", codes)
		}
		// Another account is not held back.
		code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions", drawingBody("drawn", ring(maxCorners)), bearer("editor")})
		if code != http.StatusAccepted {
			t.Errorf("a drawing of %d corners by another account: %d %s", maxCorners, code, body)
		}
		// Caps on a drawing: corners, and bytes as sent.
		code, _, body = do(t, c, srv.URL, call{"POST", "/api/suggestions", drawingBody("drawn", ring(maxCorners+1)), bearer("editor")})
		if code != http.StatusBadRequest || !strings.Contains(body, "at most 2000") {
			t.Errorf("a drawing of %d corners: %d %s", maxCorners+1, code, body)
		}
		padded := drawingBody("drawn", strings.Replace(ring(10), ",", ","+strings.Repeat(" ", 200<<10), 1))
		code, _, body = do(t, c, srv.URL, call{"POST", "/api/suggestions", padded, bearer("editor")})
		if code != http.StatusBadRequest || !strings.Contains(body, fmt.Sprint("at most ", maxDrawingBytes, " bytes")) {
			t.Errorf("a drawing of %d bytes: %d %.300s", len(padded), code, body)
		}
		// Caps on what a suggestion says: 40 KB of tags is refused.
		tags := map[string]string{}
		for i := range 40 {
			tags[fmt.Sprint("note", i)] = strings.Repeat("x", 1000)
		}
		wordy := `{"kind":"new","feature":` + assetPoint("Wordy Hall", "community_centre", -1.46, 53.27, `,"tags":`+mustJSON(tags)) + `}`
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions", wordy, nil}); code != http.StatusBadRequest || !strings.Contains(body, "at most 32768") {
			t.Errorf("a suggestion with 40 KB of tags: %d %.300s", code, body)
		}
		// The queue in pages: 4 so far, oldest first.
		type page struct {
			Suggestions    []struct{ ID string }
			NumberMatched  int
			NumberReturned int
			Links          []struct{ Rel, Href string }
		}
		get := func(path string) page {
			t.Helper()
			code, _, body := do(t, c, srv.URL, call{"GET", path, "", bearer("moderator")})
			var p page
			if err := json.Unmarshal([]byte(body), &p); err != nil || code != 200 {
				t.Fatalf("%s: %d %s", path, code, body)
			}
			return p
		}
		all := get("/api/suggestions?status=pending")
		if all.NumberMatched != 4 || all.NumberReturned != 4 || len(all.Suggestions) != 4 {
			t.Fatalf("all pending: %+v", all)
		}
		first := get("/api/suggestions?status=pending&limit=3")
		if first.NumberMatched != 4 || first.NumberReturned != 3 || first.Suggestions[0].ID != all.Suggestions[0].ID {
			t.Errorf("first page: %+v", first)
		}
		next := ""
		for _, l := range first.Links {
			if l.Rel == "next" {
				next = strings.TrimPrefix(l.Href, srv.URL)
			}
		}
		if !strings.Contains(next, "offset=3") {
			t.Fatalf("first page's next link: %q", next)
		}
		second := get(next)
		if second.NumberReturned != 1 || second.Suggestions[0].ID != all.Suggestions[3].ID {
			t.Errorf("second page: %+v", second)
		}
		for _, l := range get("/api/suggestions?limit=100000").Links {
			if l.Rel == "self" && !strings.Contains(l.Href, "limit=50") {
				t.Errorf("a page of 100000 asked: self link %s, want the server's 50", l.Href)
			}
		}
		for _, bad := range []string{"limit=0", "offset=-1", "status=pending&status=rejected"} {
			if code, _, body := do(t, c, srv.URL, call{"GET", "/api/suggestions?" + bad, "", bearer("moderator")}); code != http.StatusBadRequest {
				t.Errorf("?%s: %d %s", bad, code, body)
			}
		}
	})
}

// TestListInputsAreCapped (issue 15, item 3): lists in request bodies are
// deduplicated and capped, with a 400 naming the field.
func TestListInputsAreCapped(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := moderationServer(t, st, httpapi.Config{})
		c := srv.Client()
		ctx := context.Background()
		if err := st.AddRelease(ctx, "grid", place.Release{Series: "grids"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ImportRelease(ctx, place.BoundarySet{Slug: "grid2", Title: "Grid 2", Kind: place.Statistical}, storetest.Grid(),
			place.Release{Series: "grids", Current: true}); err != nil {
			t.Fatal(err)
		}
		// 20,000 times one code: one code kept, one decision recorded.
		codes := make([]string, 20000)
		for i := range codes {
			codes[i] = "B2"
		}
		body := `{"to":"grid2","keep":` + mustJSON(codes) + `}`
		code, _, out := do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/B2/successors", body, bearer("admin")})
		if code != http.StatusOK || strings.Count(out, `"new_code"`) != 1 {
			t.Fatalf("keep B2 20,000 times: %d %.300s", code, out)
		}
		revs, err := st.Revisions(ctx, "area_successors", "grid/B2")
		if err != nil || len(revs) != 1 {
			t.Fatalf("decisions recorded: %v, %v", revs, err)
		}
		var rec struct{ Keep []string }
		if err := json.Unmarshal(revs[0].Data, &rec); err != nil || len(rec.Keep) != 1 {
			t.Errorf("the decision keeps %d codes, want 1 (%v)", len(rec.Keep), err)
		}
		many := make([]string, maxKept+1)
		for i := range many {
			many[i] = fmt.Sprint("C", i)
		}
		code, _, out = do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/B2/successors", `{"to":"grid2","keep":` + mustJSON(many) + `}`, bearer("admin")})
		if code != http.StatusBadRequest || !strings.Contains(out, "keep: more than 100") {
			t.Errorf("keep %d codes: %d %s", len(many), code, out)
		}
		// A conflation decision's keys, and a moderator's fields.
		keys := make([]string, 300)
		for i := range keys {
			keys[i] = fmt.Sprint("k", i)
		}
		code, _, out = do(t, c, srv.URL, call{"POST", "/api/conflations/proposals/" + freshProposal(t, c, srv.URL) + "/accept", `{"take":` + mustJSON(keys) + `}`, bearer("admin")})
		if code != http.StatusBadRequest || !strings.Contains(out, "take: more than 200") {
			t.Errorf("take %d keys: %d %s", len(keys), code, out)
		}
		code, _, out = do(t, c, srv.URL, call{"POST", "/api/suggestions/" + freshSuggestion(t, c, srv.URL) + "/accept", `{"take":` + mustJSON(keys) + `}`, bearer("admin")})
		if code != http.StatusBadRequest || !strings.Contains(out, "take: more than 64") {
			t.Errorf("take %d fields: %d %s", len(keys), code, out)
		}
	})
}

// TestScopedModeratorDecisions (issue 15, item 6): a moderator scoped to
// an area may not accept a correction that moves an asset from outside
// into it, nor a drawing into a set outside their scope.
func TestScopedModeratorDecisions(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		ctx := context.Background()
		community := place.BoundarySet{Slug: "drawn", Title: "Drawn", Kind: place.Community}
		if _, err := st.ImportSet(ctx, community, storetest.Grid()[:1]); err != nil {
			t.Fatal(err)
		}
		heeley := scopedUser(t, st, "mod-a1", auth.Moderator, "grid:A1")
		drawnMod := scopedUser(t, st, "mod-drawn", auth.Moderator, "drawn")
		// An asset in B2, outside A1.
		code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets", assetPoint("Outside Hall", "community_centre", -1.3, 53.45, ""), bearer("admin")})
		if code != 201 {
			t.Fatalf("create: %d %s", code, body)
		}
		var outside struct{ ID string }
		_ = json.Unmarshal([]byte(body), &outside)
		// A correction that moves it into A1.
		move := `{"kind":"correction","asset_id":"` + outside.ID + `","feature":` + assetPoint("Outside Hall", "community_centre", -1.45, 53.3, "") + `}`
		id := sendSuggestion(t, c, srv.URL, move, nil)
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + id + "/accept", "", heeley}); code != http.StatusForbidden {
			t.Errorf("scoped moderator moves an outside asset in: %d %s", code, body)
		}
		if a, _ := st.Asset(ctx, outside.ID); a.Version != 1 {
			t.Errorf("the refused accept wrote: %+v", a)
		}
		// A correction inside A1 is theirs.
		code, _, body = do(t, c, srv.URL, call{"POST", "/api/assets", assetPoint("Inside Hall", "community_centre", -1.46, 53.3, ""), bearer("admin")})
		var inside struct{ ID string }
		_ = json.Unmarshal([]byte(body), &inside)
		fix := `{"kind":"correction","asset_id":"` + inside.ID + `","feature":` + assetPoint("Inside Hall", "community_centre", -1.46, 53.3, `,"phone":"0114 1"`) + `}`
		id = sendSuggestion(t, c, srv.URL, fix, nil)
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + id + "/accept", "", heeley}); code != http.StatusOK {
			t.Errorf("scoped moderator, a correction inside: %d %s", code, body)
		}
		// A drawing lying in grid A1 is the Heeley moderator's to publish
		// (it changes no set); one lying in B2 is not.
		if err := st.SavePlace(ctx, place.Place{Slug: "heeley", Name: "Heeley"}); err != nil {
			t.Fatal(err)
		}
		id = sendSuggestion(t, c, srv.URL, drawingBody("drawn", ring(8)), nil)
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + id + "/accept", `{"place":"heeley"}`, heeley}); code != http.StatusOK {
			t.Errorf("a drawing inside the scope: %d %s", code, body)
		}
		wide := `[[-1.36,53.40],[-1.30,53.40],[-1.30,53.45],[-1.36,53.45],[-1.36,53.40]]`
		id = sendSuggestion(t, c, srv.URL, drawingBody("drawn", wide), nil)
		for name, who := range map[string]map[string]string{"the Heeley moderator": heeley, "the drawn set's moderator": drawnMod} {
			if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + id + "/accept", `{"place":"heeley"}`, who}); code != http.StatusForbidden {
				t.Errorf("%s publishes a drawing beyond their scope: %d %s", name, code, body)
			}
		}
		if sum, _ := st.Set(ctx, "drawn"); sum.AreaCount != 1 {
			t.Errorf("a drawing changed the set: %d areas", sum.AreaCount)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + id + "/accept", `{"place":"heeley"}`, bearer("admin")}); code != http.StatusOK {
			t.Errorf("a drawing accepted by an admin: %d %s", code, body)
		}
	})
}

// TestStaleSuggestionAccept (issue 15, item 8): a correction accepted
// after the asset changed is a 409 with the three versions and writes
// nothing; naming the current version merges the suggestion onto it.
func TestStaleSuggestionAccept(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		ctx := context.Background()
		code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets", feature("Heeley Hub", `,"opening_hours":"Mo 09:00-12:00"`), bearer("editor")})
		if code != 201 {
			t.Fatalf("create: %d %s", code, body)
		}
		var a struct{ ID string }
		_ = json.Unmarshal([]byte(body), &a)
		// A visitor reads version 1 and suggests new hours.
		fix := `{"kind":"correction","asset_id":"` + a.ID + `","feature":` + feature("Heeley Hub", `,"opening_hours":"Mo-Fr 09:00-17:00"`) + `}`
		id := sendSuggestion(t, c, srv.URL, fix, map[string]string{"If-Match": `"1"`})
		// An editor adds a phone number meanwhile.
		hd := bearer("editor")
		hd["If-Match"] = `"1"`
		if code, _, body := do(t, c, srv.URL, call{"PUT", "/api/assets/" + a.ID, feature("Heeley Hub", `,"opening_hours":"Mo 09:00-12:00","phone":"0114 000 0000"`), hd}); code != 200 {
			t.Fatalf("editor: %d %s", code, body)
		}
		// A second visitor who still saw version 1.
		late := `{"kind":"correction","asset_id":"` + a.ID + `","feature":` + feature("Heeley Hub Café", `,"opening_hours":"Mo 09:00-12:00"`) + `}`
		lateID := sendSuggestion(t, c, srv.URL, late, map[string]string{"If-Match": `"1"`})
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions", late, map[string]string{"If-Match": `"7"`}}); code != http.StatusBadRequest {
			t.Errorf("a suggestion based on a version the asset never had: %d %s", code, body)
		}
		var conflict struct {
			BaseVersion    int64 `json:"base_version"`
			CurrentVersion int64 `json:"current_version"`
			Base, Current  struct{ Properties map[string]any }
			Suggested      struct{ Properties map[string]any }
			Merged         struct{ Properties map[string]any }
			ThreeWay       []fieldDiff `json:"three_way"`
		}
		code, h, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + id + "/accept", "", bearer("moderator")})
		if code != http.StatusConflict || h.Get("ETag") != `"2"` {
			t.Fatalf("accept a stale correction: %d %s", code, body)
		}
		if err := json.Unmarshal([]byte(body), &conflict); err != nil {
			t.Fatal(err)
		}
		if conflict.BaseVersion != 1 || conflict.CurrentVersion != 2 || conflict.Base.Properties["phone"] != nil ||
			conflict.Current.Properties["phone"] != "0114 000 0000" || conflict.Suggested.Properties["opening_hours"] != "Mo-Fr 09:00-17:00" ||
			conflict.Merged.Properties["phone"] != "0114 000 0000" || conflict.Merged.Properties["opening_hours"] != "Mo-Fr 09:00-17:00" {
			t.Errorf("409 body: %s", body)
		}
		fields := map[string]fieldDiff{}
		for _, f := range conflict.ThreeWay {
			fields[f.Field] = f
		}
		if !fields["opening_hours"].Suggests || fields["opening_hours"].Since || !fields["phone"].Since || fields["phone"].Suggests {
			t.Errorf("three-way: %+v", conflict.ThreeWay)
		}
		if cur, _ := st.Asset(ctx, a.ID); cur.Version != 2 || cur.OpeningHours != "Mo 09:00-12:00" {
			t.Errorf("the refused accept wrote: %+v", cur)
		}
		// The queue shows the same three-way comparison.
		_, _, body = do(t, c, srv.URL, call{"GET", "/api/suggestions?status=pending", "", bearer("moderator")})
		if !strings.Contains(body, `"stale":true`) || !strings.Contains(body, `"three_way"`) || !strings.Contains(body, `"base_version":1`) {
			t.Errorf("queue: %.600s", body)
		}
		// Naming a version that is not the current one: still 409.
		hd = bearer("moderator")
		hd["If-Match"] = `"1"`
		if code, _, _ := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + id + "/accept", "", hd}); code != http.StatusConflict {
			t.Errorf("accept naming version 1: %d", code)
		}
		// Naming the current version merges the suggestion onto it.
		hd["If-Match"] = `"2"`
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + id + "/accept", "", hd}); code != http.StatusOK {
			t.Fatalf("accept naming version 2: %d %s", code, body)
		}
		cur, _ := st.Asset(ctx, a.ID)
		if cur.Version != 3 || cur.Phone != "0114 000 0000" || cur.OpeningHours != "Mo-Fr 09:00-17:00" {
			t.Errorf("after the merge: %+v", cur)
		}
		// The late one renames; taking only the name keeps the hours.
		hd["If-Match"] = `"3"`
		code, _, body = do(t, c, srv.URL, call{"POST", "/api/suggestions/" + lateID + "/accept", `{"take":["name","name"]}`, hd})
		if code != http.StatusOK {
			t.Fatalf("accept the late one, its name only: %d %s", code, body)
		}
		cur, _ = st.Asset(ctx, a.ID)
		if cur.Name != "Heeley Hub Café" || cur.OpeningHours != "Mo-Fr 09:00-17:00" || cur.Phone != "0114 000 0000" {
			t.Errorf("after taking the name: %+v", cur)
		}
	})
}

// TestDuplicateSuggestions (issue 15, item 16): accepting a new place
// within 50 m of one of the same category with an alike name answers 409
// with the candidates; the moderator confirms it as new or merges it.
func TestDuplicateSuggestions(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		ctx := context.Background()
		code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets", assetPoint("Heeley Community Centre", "community_centre", -1.45, 53.3, ""), bearer("editor")})
		if code != 201 {
			t.Fatalf("create: %d %s", code, body)
		}
		var there struct{ ID string }
		_ = json.Unmarshal([]byte(body), &there)
		suggest := func(name string, lon float64) string {
			body := `{"kind":"new","feature":` + assetPoint(name, "community_centre", lon, 53.3, `,"phone":"0114 222 2222"`) + `}`
			return sendSuggestion(t, c, srv.URL, body, nil)
		}
		near := suggest("Heeley Centre", -1.4497) // about 20 m east
		code, _, body = do(t, c, srv.URL, call{"POST", "/api/suggestions/" + near + "/accept", "", bearer("moderator")})
		var conflict struct {
			Duplicates []struct {
				Asset     struct{ ID string }
				DistanceM float64 `json:"distance_m"`
				Version   int64
			}
		}
		_ = json.Unmarshal([]byte(body), &conflict)
		if code != http.StatusConflict || len(conflict.Duplicates) != 1 || conflict.Duplicates[0].Asset.ID != there.ID ||
			conflict.Duplicates[0].DistanceM < 15 || conflict.Duplicates[0].DistanceM > 25 {
			t.Fatalf("accept a likely duplicate: %d %s", code, body)
		}
		if _, _, body := do(t, c, srv.URL, call{"GET", "/api/assets?q=Heeley", "", nil}); !strings.Contains(body, `"numberMatched":1`) {
			t.Errorf("the likely duplicate was added: %.300s", body)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + near + "/accept", `{"confirm_new":true}`, bearer("moderator")}); code != 200 {
			t.Fatalf("confirm as new: %d %s", code, body)
		}
		if _, _, body := do(t, c, srv.URL, call{"GET", "/api/assets?q=Heeley", "", nil}); !strings.Contains(body, `"numberMatched":2`) {
			t.Errorf("confirmed as new, not added: %.300s", body)
		}
		// Another, merged into the one there: its phone fills the gap.
		again := suggest("Heeley Community Centre", -1.4501)
		code, _, body = do(t, c, srv.URL, call{"POST", "/api/suggestions/" + again + "/accept", `{"merge_into":"` + there.ID + `"}`, bearer("moderator")})
		if code != 200 || !strings.Contains(body, `"asset_id":"`+there.ID+`"`) {
			t.Fatalf("merge: %d %s", code, body)
		}
		if a, _ := st.Asset(ctx, there.ID); a.Phone != "0114 222 2222" || a.Version != 2 {
			t.Errorf("merged into: %+v", a)
		}
		if _, _, body := do(t, c, srv.URL, call{"GET", "/api/assets?q=Heeley", "", nil}); !strings.Contains(body, `"numberMatched":2`) {
			t.Errorf("the merge added an asset: %.300s", body)
		}
		// Far enough away, or another kind of place: no question asked.
		far := suggest("Heeley Centre", -1.4485) // 80 m from the nearest
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + far + "/accept", "", bearer("moderator")}); code != 200 {
			t.Errorf("accept a place 80 m away: %d %s", code, body)
		}
	})
}
