package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/testkit"
)

type proposalJSON struct {
	ID          string
	Outcome     string
	AssetID     string `json:"asset_id"`
	OSMRef      string `json:"osm_ref"`
	Status      string
	Reason      string
	Taken       []string
	Differences []place.TagDifference
	Local       *struct{ Properties map[string]any }
	OSM         []struct{ Properties map[string]any }
}

func proposals(t *testing.T, srv string, c *http.Client, query string) []proposalJSON {
	t.Helper()
	code, _, body := do(t, c, srv, call{"GET", "/api/conflations/proposals?" + query, "", bearer("editor")})
	if code != 200 {
		t.Fatalf("proposals?%s: %d %s", query, code, body)
	}
	var out struct{ Proposals []proposalJSON }
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	return out.Proposals
}

// TestConflationReview uploads the Leeds clip to conflate with assets
// entered by hand, then decides its proposals one by one through the API:
// a match linked with OSM's name taken, an OSM-only object added, an asset
// kept out of OSM (and so out of the export), on both stores.
func TestConflationReview(t *testing.T) {
	clip, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "geodata/osm/uk-clips/leeds_cycleway.osm"))
	if err != nil {
		t.Fatal(err)
	}
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		ctx := context.Background()
		hand := []place.Asset{
			{ID: "conservatoire", Name: "Conservatoire Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.5341, 53.7976}, Licence: "OGL-UK-3.0", Attribution: "Leeds survey", Phone: "0113 222 3400"},
			{ID: "mabgate", Name: "Mabgate Community Centre", Category: "community_centre", Status: place.Open, Geometry: orb.Point{-1.5300, 53.8000}, Licence: "own-survey"},
			{ID: "quarry-hill", Name: "Quarry Hill Hall", Category: "community_hall", Status: place.Open, Geometry: orb.Point{-1.5310, 53.7990}, Licence: "CC-BY-4.0"},
		}
		if _, err := st.AddAssets(ctx, hand); err != nil {
			t.Fatal(err)
		}
		upload := func(role string) (int, string) {
			code, _, body := do(t, c, srv.URL, call{"POST", "/api/conflations?file=leeds_cycleway.osm", string(clip), bearer(role)})
			return code, body
		}
		if code, _ := upload("contributor"); code != http.StatusForbidden {
			t.Errorf("contributor uploads: %d, want 403", code)
		}
		if code, _ := upload(""); code != http.StatusUnauthorized {
			t.Errorf("visitor uploads: %d, want 401", code)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/conflations", "<osm><node id=", bearer("editor")}); code != 400 {
			t.Errorf("malformed upload: %d %s", code, body)
		}
		code, body := upload("editor")
		if code != http.StatusCreated || !strings.Contains(body, `"by_outcome":{"matched":1,"only_local":2,"only_osm":19}`) {
			t.Fatalf("upload: %d %s", code, body)
		}
		if code, _, _ := do(t, c, srv.URL, call{"GET", "/api/conflations/proposals", "", bearer("contributor")}); code != http.StatusForbidden {
			t.Errorf("contributor reads the review list: %d, want 403", code)
		}
		if n := len(proposals(t, srv.URL, c, "status=pending")); n != 22 {
			t.Errorf("%d pending proposals, want 22", n)
		}

		// The match: both sides shown, the differences listed.
		ms := proposals(t, srv.URL, c, "status=pending&outcome=matched")
		if len(ms) != 1 || ms[0].AssetID != "conservatoire" || ms[0].OSMRef != "osm:node/5377558721" || ms[0].Local == nil || len(ms[0].OSM) != 1 {
			t.Fatalf("matched: %+v", ms)
		}
		m := ms[0]
		if !strings.Contains(mustJSON(m.Differences), `{"key":"name","local":"Conservatoire Library","osm":"Leeds Conservatoire Library"}`) ||
			!strings.Contains(mustJSON(m.Differences), `{"key":"operator","local":"","osm":"Leeds Conservatoire"}`) {
			t.Errorf("differences: %s", mustJSON(m.Differences))
		}
		accept := func(id, body string) (int, string) {
			code, _, out := do(t, c, srv.URL, call{"POST", "/api/conflations/proposals/" + id + "/accept", body, bearer("editor")})
			return code, out
		}
		if code, out := accept(m.ID, `{"take":["website"]}`); code != 400 || !strings.Contains(out, "website") {
			t.Errorf("taking a key that does not differ: %d %s", code, out)
		}
		if code, out := accept(m.ID, `{"take":["phone"]}`); code != 400 || !strings.Contains(out, "OSM has no") {
			t.Errorf("taking a key OSM lacks: %d %s", code, out)
		}
		if code, out := accept(m.ID, `{"take":["name"]}`); code != 200 || !strings.Contains(out, `"status":"accepted"`) {
			t.Fatalf("accept match: %d %s", code, out)
		}
		lib, err := st.Asset(ctx, "conservatoire")
		if err != nil {
			t.Fatal(err)
		}
		if lib.Name != "Leeds Conservatoire Library" || lib.Operator != "" || lib.Phone != "0113 222 3400" || lib.Tags["placemap:osm"] != "osm:node/5377558721" ||
			!strings.Contains(lib.Attribution, "OpenStreetMap") || lib.Licence != "OGL-UK-3.0" || lib.Version != 2 {
			t.Errorf("after accepting: %+v", lib)
		}
		revs, _ := st.Revisions(ctx, "asset", "conservatoire")
		if len(revs) != 2 || revs[1].Author != "editor@example.org" || !strings.Contains(revs[1].Comment, "OSM conflation review: accepted matched") {
			t.Errorf("revision of the decision: %+v", revs)
		}
		if code, out := accept(m.ID, `{"take":["name"]}`); code != http.StatusConflict {
			t.Errorf("deciding twice: %d %s", code, out)
		}

		// Only in OSM: accepting adds it, with OSM's licence and id.
		var pick proposalJSON
		for _, p := range proposals(t, srv.URL, c, "status=pending&outcome=only_osm") {
			if p.OSM[0].Properties["name"] != "" && p.OSM[0].Properties["category"] == "library" {
				pick = p
			}
		}
		if pick.ID == "" {
			pick = proposals(t, srv.URL, c, "status=pending&outcome=only_osm")[0]
		}
		if code, out := accept(pick.ID, `{"partner":"x"}`); code != 400 {
			t.Errorf("partner on an only_osm line: %d %s", code, out)
		}
		if code, out := accept(pick.ID, ""); code != 200 {
			t.Fatalf("accept only_osm: %d %s", code, out)
		}
		page, err := st.Assets(ctx, store.AssetQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var added *place.Asset
		for i, a := range page.Assets {
			if a.SourceID == pick.OSMRef {
				added = &page.Assets[i]
			}
		}
		if added == nil || added.Licence != "ODbL-1.0" || added.Source != "OpenStreetMap" {
			t.Fatalf("only_osm accepted: %+v among %d assets", added, len(page.Assets))
		}

		// Only here: keeping one out of OSM needs a reason, and the export
		// then lists it as blocked instead of offering it.
		var mabgate proposalJSON
		for _, p := range proposals(t, srv.URL, c, "status=pending&outcome=only_local") {
			if p.AssetID == "mabgate" {
				mabgate = p
			}
		}
		reject := func(id, body string) (int, string) {
			code, _, out := do(t, c, srv.URL, call{"POST", "/api/conflations/proposals/" + id + "/reject", body, bearer("editor")})
			return code, out
		}
		if code, out := reject(mabgate.ID, `{}`); code != 400 || !strings.Contains(out, "reason") {
			t.Errorf("keeping out without a reason: %d %s", code, out)
		}
		if code, out := reject(mabgate.ID, `{"reason":"the centre closes in March"}`); code != 200 {
			t.Fatalf("reject only_local: %d %s", code, out)
		}
		code, h, osc := do(t, c, srv.URL, call{"GET", "/api/export/osmchange", "", nil})
		if code != 200 || strings.Contains(osc, "Mabgate") || strings.Contains(osc, "Conservatoire") || h.Get("X-Placemap-Blocked") != "2" {
			t.Errorf("export after review: %d blocked=%s\n%s", code, h.Get("X-Placemap-Blocked"), osc)
		}

		// Conflating again proposes nothing decided already, and leaves the
		// earlier run's pending lines superseded.
		code, body = upload("editor")
		var rv struct {
			Proposals     int
			Agreed        int            `json:"agreed"`
			DecidedBefore int            `json:"decided_before"`
			ByOutcome     map[string]int `json:"by_outcome"`
		}
		_ = json.Unmarshal([]byte(body), &rv)
		if code != 201 || rv.DecidedBefore != 1 || rv.Agreed != 1 || rv.ByOutcome["only_osm"] != 18 || rv.ByOutcome["matched"] != 1 {
			t.Errorf("second run: %d %s", code, body)
		}
		if n := len(proposals(t, srv.URL, c, "status=superseded")); n != 19 {
			t.Errorf("%d superseded, want 19", n)
		}
		// The linked library still differs in operator: a stale accept
		// (the asset changed since this run read it) is refused.
		ms = proposals(t, srv.URL, c, "status=pending&outcome=matched")
		if len(ms) != 1 || ms[0].AssetID != "conservatoire" {
			t.Fatalf("second run's match: %+v", ms)
		}
		lib, _ = st.Asset(ctx, "conservatoire")
		lib.Phone = "0113 000 0000"
		if _, err := st.UpdateAsset(ctx, lib, lib.Version); err != nil {
			t.Fatal(err)
		}
		if code, out := accept(ms[0].ID, `{"take":["operator"]}`); code != http.StatusConflict || !strings.Contains(out, "conflate again") {
			t.Errorf("stale accept: %d %s", code, out)
		}
	})
}

// TestConflationUploadLimit: an upload past MaxUploadBody gets 413 and
// leaves no proposals; the other routes keep their own, smaller limit.
func TestConflationUploadLimit(t *testing.T) {
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	writeServer(t, st) // for its accounts and tokens
	small := httptest.NewServer(httpapi.New(roles(st), fstest.MapFS{}, httpapi.Config{MaxRequestBody: 1 << 10, MaxUploadBody: 4 << 10}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer small.Close()
	big := strings.Replace(oneLibraryOSM, "</osm>", strings.Repeat("<!-- padding -->", 400)+"</osm>", 1)
	if code, _, body := do(t, small.Client(), small.URL, call{"POST", "/api/conflations?file=big.osm", big, bearer("editor")}); code != http.StatusRequestEntityTooLarge {
		t.Errorf("upload past the limit: %d %s", code, body)
	}
	if ps, _ := st.Proposals(context.Background(), ""); len(ps) != 0 {
		t.Errorf("a refused upload left %d proposals", len(ps))
	}
	// Past the ordinary body limit but within the upload limit: accepted.
	mid := strings.Replace(oneLibraryOSM, "</osm>", strings.Repeat("<!-- pad -->", 150)+"</osm>", 1)
	if code, _, body := do(t, small.Client(), small.URL, call{"POST", "/api/conflations?file=mid.osm", mid, bearer("editor")}); code != http.StatusCreated {
		t.Errorf("upload within the upload limit: %d %s", code, body)
	}
}
