package httpapi_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/testkit"
)

// osmNode is a node of a test OSM file.
type osmNode struct {
	id       int64
	lon, lat float64
	tags     map[string]string
}

// osmXML writes a small OSM XML file (made up for the test, not OSM data)
// with <bounds> minlon,minlat,maxlon,maxlat when b is not nil.
func osmXML(b *[4]float64, nodes ...osmNode) string {
	var sb strings.Builder
	sb.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\" generator=\"placemap test\">\n")
	if b != nil {
		fmt.Fprintf(&sb, "  <bounds minlon=\"%.7f\" minlat=\"%.7f\" maxlon=\"%.7f\" maxlat=\"%.7f\"/>\n", b[0], b[1], b[2], b[3])
	}
	for _, n := range nodes {
		fmt.Fprintf(&sb, "  <node id=\"%d\" version=\"2\" timestamp=\"2026-01-01T00:00:00Z\" lat=\"%.7f\" lon=\"%.7f\">\n", n.id, n.lat, n.lon)
		keys := make([]string, 0, len(n.tags))
		for k := range n.tags {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			var v strings.Builder
			_ = xml.EscapeText(&v, []byte(n.tags[k]))
			fmt.Fprintf(&sb, "    <tag k=\"%s\" v=\"%s\"/>\n", k, v.String())
		}
		sb.WriteString("  </node>\n")
	}
	sb.WriteString("</osm>\n")
	return sb.String()
}

// fileObject is an object of an osmChange or JOSM file as parsed back.
type fileObject struct {
	Kind   string // node or way
	ID     int64
	Action string // JOSM's action attribute
	Nodes  []int64
	Tags   map[string]string
}

// parseOSMFile reads every node and way of an osmChange or JOSM file, in
// any block (create, modify), with the block's name as the action for
// osmChange.
func parseOSMFile(t *testing.T, text string) []fileObject {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(text))
	var out []fileObject
	block := ""
	var cur *fileObject
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch e := tok.(type) {
		case xml.StartElement:
			attr := func(name string) string {
				for _, a := range e.Attr {
					if a.Name.Local == name {
						return a.Value
					}
				}
				return ""
			}
			switch e.Name.Local {
			case "create", "modify", "delete":
				block = e.Name.Local
			case "node", "way", "relation":
				var id int64
				fmt.Sscan(attr("id"), &id)
				action := attr("action")
				if action == "" {
					action = block
				}
				out = append(out, fileObject{Kind: e.Name.Local, ID: id, Action: action, Tags: map[string]string{}})
				cur = &out[len(out)-1]
			case "nd":
				var ref int64
				fmt.Sscan(attr("ref"), &ref)
				cur.Nodes = append(cur.Nodes, ref)
			case "tag":
				cur.Tags[attr("k")] = attr("v")
			}
		}
	}
	return out
}

type reportJSON struct {
	Summary struct {
		Offered, Create, Modify, Blocked int
		LeftOut                          int `json:"left_out"`
		InOSM                            int `json:"in_osm"`
		Unmapped                         int `json:"unmapped_keys"`
	}
	Offered  []struct{ ID, Name, Action, Type, Reason string }
	Blocked  []struct{ ID, Name, Reason string }
	LeftOut  []struct{ ID, Name, Reason string } `json:"left_out"`
	Unmapped []struct {
		Key    string
		Count  int
		Assets []string
	}
	Objects map[string]int
}

// internalKeys are placemap's own keys and columns of the files assets
// came from: none may reach OSM.
var internalKeys = []string{"statutory_2016", "weekly_opening_hours", "placemap:library_type", "placemap:osm", "osm:version", "osm:timestamp", "libraries_hacked:id"}

// TestOSMExportReplaysReview replays a whole review on both stores and
// asserts exactly which objects the osmChange and JOSM files hold: a match
// accepted (linked: OSM's already), a match left undecided, an ambiguous
// line, a match rejected as not the same place, an asset blocked by its
// licence, an "only here" line kept out with a reason and one offered, an
// asset with no OSM counterpart left undecided, a site polygon OSM lacks,
// and an asset far outside the file's bounds. Only the offered, the
// undecided "only here" and the site go, as new objects; their tags come
// through the tag table (no placemap-internal key), the unmapped keys are
// listed in the report; osmium reads both files whole.
func TestOSMExportReplaysReview(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		ctx := context.Background()
		pt := func(id, name, cat, licence string, lon, lat float64) place.Asset {
			return place.Asset{ID: id, Name: name, Category: cat, Status: place.Open, Geometry: orb.Point{lon, lat}, Licence: licence, Attribution: "test survey"}
		}
		offered := pt("offered", "Offered Centre", "community_centre", "OGL-UK-3.0", -1.41, 53.29)
		offered.Tags = map[string]string{"statutory_2016": "no", "weekly_opening_hours": "33", "wheelchair": "yes", "placemap:library_type": "community_run"}
		quiet := pt("quiet", "Quiet Library", "library", "own-survey", -1.40, 53.28)
		quiet.Tags = map[string]string{"weekly_opening_hours": "12", "libraries_hacked:id": "77"}
		site := pt("site", "Site Hall", "community_hall", "CC0-1.0", 0, 0)
		site.Geometry = orb.Polygon{{{-1.3902, 53.2699}, {-1.3898, 53.2699}, {-1.3898, 53.2702}, {-1.3902, 53.2702}, {-1.3902, 53.2699}}}
		hand := []place.Asset{
			pt("park", "Park Library", "library", "OGL-UK-3.0", -1.47, 53.35),
			pt("highfield", "Highfield Library", "library", "OGL-UK-3.0", -1.46, 53.34),
			pt("abbey", "Abbey Hall", "community_hall", "own-survey", -1.45, 53.33),
			pt("old", "Old Hall", "community_centre", "own-survey", -1.44, 53.32),
			pt("cc-by", "Blocked Hall", "community_centre", "CC-BY-4.0", -1.43, 53.31),
			pt("kept", "Kept Out Centre", "community_centre", "own-survey", -1.42, 53.30),
			offered, quiet, site,
			pt("leeds", "Leeds Library", "library", "OGL-UK-3.0", -1.54, 53.80),
		}
		if _, err := st.AddAssets(ctx, hand); err != nil {
			t.Fatal(err)
		}
		lib := func(name string) map[string]string { return map[string]string{"amenity": "library", "name": name} }
		hall := func(name string) map[string]string {
			return map[string]string{"amenity": "community_centre", "community_centre": "community_hall", "name": name}
		}
		with := func(m map[string]string, k, v string) map[string]string { m[k] = v; return m }
		file := osmXML(&[4]float64{-1.6, 53.2, -1.2, 53.6},
			osmNode{101, -1.47, 53.3502, with(lib("Park Library"), "opening_hours", "Mo-Fr 09:00-17:00")},
			osmNode{102, -1.46, 53.3401, with(lib("Highfield Library"), "website", "https://highfield.example.org")},
			osmNode{103, -1.4501, 53.3301, hall("Abbey Hall")},
			osmNode{104, -1.4499, 53.3299, hall("Abbey Hall")},
			osmNode{105, -1.44, 53.3201, map[string]string{"amenity": "community_centre", "name": "Old Hall"}},
			osmNode{106, -1.48, 53.36, map[string]string{"amenity": "townhall", "name": "Town Hall"}},
		)
		code, _, body := do(t, c, srv.URL, call{"POST", "/api/conflations?file=sheffield.osm", file, bearer("editor")})
		if code != http.StatusCreated {
			t.Fatalf("conflate: %d %s", code, body)
		}
		if !strings.Contains(body, `"by_outcome":{"ambiguous":1,"matched":3,"only_local":5,"only_osm":1}`) {
			t.Errorf("conflate: Leeds Library, outside the file's bounds, should not be \"only here\": %s", body)
		}
		byAsset := map[string]proposalJSON{}
		for _, p := range proposals(t, srv.URL, c, "status=pending") {
			if p.AssetID != "" {
				byAsset[p.AssetID] = p
			}
		}
		decide := func(asset, verb, body string) {
			t.Helper()
			p, ok := byAsset[asset]
			if !ok {
				t.Fatalf("no pending proposal for %s", asset)
			}
			code, _, out := do(t, c, srv.URL, call{"POST", "/api/conflations/proposals/" + p.ID + "/" + verb, body, bearer("editor")})
			if code != 200 {
				t.Fatalf("%s %s: %d %s", verb, asset, code, out)
			}
		}
		decide("park", "accept", `{"take":["opening_hours"]}`)
		decide("old", "reject", `{"reason":"a different hall"}`)
		decide("kept", "reject", `{"reason":"closes in March"}`)
		decide("offered", "accept", `{}`)
		// highfield (matched), abbey (ambiguous), cc-by, quiet and site
		// (only here) stay undecided.

		files := map[string]string{}
		for _, route := range []string{"osmchange", "josm"} {
			code, h, text := do(t, c, srv.URL, call{"GET", "/api/export/" + route, "", nil})
			if code != 200 || h.Get("X-Placemap-Blocked") != "2" || h.Get("X-Placemap-Left-Out") != "4" {
				t.Fatalf("%s: %d blocked=%q left out=%q\n%s", route, code, h.Get("X-Placemap-Blocked"), h.Get("X-Placemap-Left-Out"), text)
			}
			files[route] = text
			objs := parseOSMFile(t, text)
			named := map[string]fileObject{}
			var bare []fileObject
			for _, o := range objs {
				if o.Action != "create" && !(route == "josm" && o.Action == "" && o.ID < 0) {
					t.Errorf("%s: %s %d is not a new object (action %q)", route, o.Kind, o.ID, o.Action)
				}
				if o.ID >= 0 {
					t.Errorf("%s: new %s with id %d, want negative", route, o.Kind, o.ID)
				}
				for _, k := range internalKeys {
					if _, ok := o.Tags[k]; ok {
						t.Errorf("%s: %s %d carries placemap's key %s: %v", route, o.Kind, o.ID, k, o.Tags)
					}
				}
				if len(o.Tags) == 0 {
					bare = append(bare, o)
					continue
				}
				named[o.Tags["name"]] = o
			}
			want := map[string]map[string]string{
				"Offered Centre": {"amenity": "community_centre", "name": "Offered Centre", "wheelchair": "yes"},
				"Quiet Library":  {"amenity": "library", "name": "Quiet Library"},
				"Site Hall":      {"amenity": "community_centre", "community_centre": "community_hall", "name": "Site Hall"},
			}
			if len(named) != len(want) {
				t.Errorf("%s holds %d tagged objects, want %d: %v", route, len(named), len(want), slices.Sorted(maps.Keys(named)))
			}
			for name, tags := range want {
				o, ok := named[name]
				if !ok {
					t.Errorf("%s lacks %s", route, name)
					continue
				}
				if !reflect.DeepEqual(o.Tags, tags) {
					t.Errorf("%s: %s's tags = %v, want %v", route, name, o.Tags, tags)
				}
			}
			if named["Offered Centre"].Kind != "node" || named["Quiet Library"].Kind != "node" || named["Site Hall"].Kind != "way" {
				t.Errorf("%s: kinds %q %q %q", route, named["Offered Centre"].Kind, named["Quiet Library"].Kind, named["Site Hall"].Kind)
			}
			// The site's way: four new untagged nodes, closed.
			w := named["Site Hall"]
			if len(bare) != 4 || len(w.Nodes) != 5 || w.Nodes[0] != w.Nodes[4] {
				t.Errorf("%s: site way %v over %d bare nodes", route, w.Nodes, len(bare))
			}
			for _, n := range bare {
				if n.Kind != "node" || !slices.Contains(w.Nodes, n.ID) {
					t.Errorf("%s: bare %s %d is not one of the site's nodes", route, n.Kind, n.ID)
				}
			}
			for _, name := range []string{"Park Library", "Highfield Library", "Abbey Hall", "Old Hall", "Blocked Hall", "Kept Out Centre", "Leeds Library", "Town Hall"} {
				if strings.Contains(text, name) {
					t.Errorf("%s offers %s", route, name)
				}
			}
		}

		// The report: what the file holds, what not and why.
		code, _, body = do(t, c, srv.URL, call{"GET", "/api/export/osmchange?report=json", "", nil})
		if code != 200 {
			t.Fatalf("report: %d %s", code, body)
		}
		var rep reportJSON
		if err := json.Unmarshal([]byte(body), &rep); err != nil {
			t.Fatal(err)
		}
		names := func(list any) map[string]string {
			out := map[string]string{}
			b, _ := json.Marshal(list)
			var items []struct{ Name, Reason, Action string }
			_ = json.Unmarshal(b, &items)
			for _, it := range items {
				out[it.Name] = it.Action + "|" + it.Reason
			}
			return out
		}
		off, blk, left := names(rep.Offered), names(rep.Blocked), names(rep.LeftOut)
		for name, want := range map[string]string{"Offered Centre": "create|offered to OSM on review", "Quiet Library": "create|no OSM counterpart within 100 m",
			"Site Hall": "create|no OSM counterpart within 100 m"} {
			if !strings.HasPrefix(off[name], want) {
				t.Errorf("offered %s: %q, want %q…", name, off[name], want)
			}
		}
		for name, want := range map[string]string{"Blocked Hall": "licence CC-BY-4.0", "Kept Out Centre": "kept out of OSM on review: closes in March"} {
			if !strings.Contains(blk[name], want) {
				t.Errorf("blocked %s: %q, want %q", name, blk[name], want)
			}
		}
		for name, want := range map[string]string{"Highfield Library": "undecided: matched to osm:node/102", "Abbey Hall": "undecided: ambiguous among osm:node/10",
			"Old Hall": "found osm:node/105 within 100 m", "Leeds Library": "no conflation has covered its area"} {
			if !strings.Contains(left[name], want) {
				t.Errorf("left out %s: %q, want %q", name, left[name], want)
			}
		}
		if len(off) != 3 || len(blk) != 2 || len(left) != 4 || rep.Summary.InOSM != 1 || rep.Summary.Create != 3 ||
			rep.Objects["create_nodes"] != 6 || rep.Objects["create_ways"] != 1 {
			t.Errorf("report: offered %v, blocked %v, left out %v, summary %+v, objects %v", off, blk, left, rep.Summary, rep.Objects)
		}
		var unmapped []string
		for _, k := range rep.Unmapped {
			unmapped = append(unmapped, fmt.Sprintf("%s:%d", k.Key, k.Count))
		}
		if !reflect.DeepEqual(unmapped, []string{"statutory_2016:1", "weekly_opening_hours:2"}) {
			t.Errorf("unmapped keys: %v", unmapped)
		}
		if code, _, body := do(t, c, srv.URL, call{"GET", "/api/export/josm?report=xml", "", nil}); code != 400 {
			t.Errorf("report=xml: %d %s", code, body)
		}

		// osmium reads both files whole: every way's nodes are in the file.
		osmium := testkit.Need(t, "osmium", "osmium-tool")
		dir := t.TempDir()
		for route, name := range map[string]string{"osmchange": "give-back.osc", "josm": "give-back.osm"} {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, []byte(files[route]), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(osmium, "check-refs", path).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "There are 6 nodes, 1 ways, and 0 relations") {
				t.Errorf("osmium check-refs %s: %v\n%s", name, err, out)
			}
			out, err = exec.Command(osmium, "fileinfo", "-e", "-j", path).CombinedOutput()
			var info struct {
				Data struct {
					Count struct{ Nodes, Ways, Relations int }
				} `json:"data"`
			}
			if err != nil || json.Unmarshal(out, &info) != nil || info.Data.Count.Nodes != 6 || info.Data.Count.Ways != 1 {
				t.Errorf("osmium fileinfo %s: %v %+v\n%s", name, err, info, out)
			}
		}
	})
}

// TestConflationFarAwayFile conflates a Leeds extract with Sheffield's
// assets: the answer warns with the overlap, nothing is marked "only
// here", the export offers nothing, and the pending lines of an earlier
// Sheffield run stay pending (on both stores).
func TestConflationFarAwayFile(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		ctx := context.Background()
		hand := []place.Asset{
			{ID: "broomhill", Name: "Broomhill Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.5029, 53.3778}, Licence: "OGL-UK-3.0"},
			{ID: "burngreave", Name: "Burngreave Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.4545, 53.3925}, Licence: "OGL-UK-3.0"},
		}
		if _, err := st.AddAssets(ctx, hand); err != nil {
			t.Fatal(err)
		}
		sheffield := osmXML(&[4]float64{-1.6, 53.3, -1.3, 53.45})
		code, _, body := do(t, c, srv.URL, call{"POST", "/api/conflations?file=sheffield.osm", sheffield, bearer("editor")})
		if code != 201 || !strings.Contains(body, `"only_local":2`) {
			t.Fatalf("Sheffield run: %d %s", code, body)
		}
		for _, leeds := range []struct{ name, file string }{
			{"leeds.osm", osmXML(&[4]float64{-1.60, 53.78, -1.50, 53.83}, osmNode{1, -1.55, 53.80, map[string]string{"amenity": "library", "name": "Central Library"}})},
			{"leeds-no-bounds.osm", osmXML(nil, osmNode{1, -1.55, 53.80, map[string]string{"amenity": "library", "name": "Central Library"}},
				osmNode{2, -1.52, 53.81, map[string]string{"amenity": "library", "name": "Chapel Allerton Library"}})},
		} {
			code, _, body := do(t, c, srv.URL, call{"POST", "/api/conflations?file=" + leeds.name, leeds.file, bearer("editor")})
			var rv struct {
				ByOutcome map[string]int `json:"by_outcome"`
				Coverage  struct {
					Compared, Covered, Outside int
					Overlap                    float64
					Warning                    string
				}
			}
			if err := json.Unmarshal([]byte(body), &rv); err != nil || code != 201 {
				t.Fatalf("%s: %d %s", leeds.name, code, body)
			}
			if rv.ByOutcome["only_local"] != 0 || rv.Coverage.Compared != 2 || rv.Coverage.Covered != 0 || rv.Coverage.Outside != 2 ||
				rv.Coverage.Overlap != 0 || !strings.Contains(rv.Coverage.Warning, leeds.name+" covers 0 of the 2 assets here (0% overlap") {
				t.Errorf("%s: %s", leeds.name, body)
			}
		}
		if ps := proposals(t, srv.URL, c, "status=pending&outcome=only_local"); len(ps) != 2 {
			t.Errorf("the Sheffield run's lines: %d pending, want 2 (a Leeds file says nothing of Sheffield)", len(ps))
		}
		code, _, body = do(t, c, srv.URL, call{"GET", "/api/conflations/proposals?status=pending", "", bearer("editor")})
		if code != 200 || !strings.Contains(body, `"last_run":{`) || !strings.Contains(body, `"overlap":0`) {
			t.Errorf("review list's last run: %d %s", code, body)
		}
		// The Sheffield run's word stands: both libraries are offered.
		code, h, osc := do(t, c, srv.URL, call{"GET", "/api/export/osmchange", "", nil})
		if code != 200 || strings.Count(osc, `k="amenity" v="library"`) != 2 || h.Get("X-Placemap-Left-Out") != "0" {
			t.Errorf("export: %d left out %s\n%s", code, h.Get("X-Placemap-Left-Out"), osc)
		}
	})
}

// TestScopedConflationSupersedes: a conflation run by an editor scoped to
// one area supersedes only the pending lines in that area; the lines
// elsewhere stay pending, and the run proposes nothing outside its scope
// (on both stores).
func TestScopedConflationSupersedes(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		ctx := context.Background()
		hash, _ := auth.HashPassword(password)
		if err := st.CreateUser(ctx, auth.User{ID: "u-a1", Email: "a1@example.org", Role: auth.Editor, PasswordHash: hash,
			Scopes: []string{"grid:A1"}, CreatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateToken(ctx, auth.Token{Hash: auth.HashSecret("token-a1"), UserID: "u-a1", CreatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		hand := []place.Asset{
			{ID: "in-a1", Name: "Heeley Hall", Category: "community_centre", Status: place.Open, Geometry: orb.Point{-1.45, 53.30}, Licence: "own-survey"},
			{ID: "in-b2", Name: "Crookes Hall", Category: "community_centre", Status: place.Open, Geometry: orb.Point{-1.30, 53.45}, Licence: "own-survey"},
		}
		if _, err := st.AddAssets(ctx, hand); err != nil {
			t.Fatal(err)
		}
		file := osmXML(&[4]float64{-1.55, 53.2, -1.2, 53.55},
			osmNode{201, -1.28, 53.46, map[string]string{"amenity": "townhall", "name": "B2 Town Hall"}},
			osmNode{202, -1.46, 53.31, map[string]string{"amenity": "community_centre", "name": "A1 Somewhere Else"}})
		code, _, body := do(t, c, srv.URL, call{"POST", "/api/conflations?file=city.osm", file, bearer("editor")})
		if code != 201 || !strings.Contains(body, `"proposals":4`) {
			t.Fatalf("city-wide run: %d %s", code, body)
		}
		first := map[string]string{} // asset id or OSM ref → proposal id
		for _, p := range proposals(t, srv.URL, c, "status=pending") {
			first[p.AssetID+p.OSMRef] = p.ID
		}
		code, _, body = do(t, c, srv.URL, call{"POST", "/api/conflations?file=heeley.osm", file, map[string]string{"Authorization": "Bearer token-a1"}})
		if code != 201 || !strings.Contains(body, `"proposals":2`) || !strings.Contains(body, `"superseded":2`) || !strings.Contains(body, `"scopes":["grid:A1"]`) {
			t.Fatalf("scoped run: %d %s", code, body)
		}
		pending := map[string]string{}
		for _, p := range proposals(t, srv.URL, c, "status=pending") {
			if _, dup := pending[p.AssetID+p.OSMRef]; dup {
				t.Errorf("two pending lines for %s", p.AssetID+p.OSMRef)
			}
			pending[p.AssetID+p.OSMRef] = p.ID
		}
		for key, outside := range map[string]bool{"in-a1": false, "osm:node/202": false, "in-b2": true, "osm:node/201": true} {
			id, ok := pending[key]
			switch {
			case !ok:
				t.Errorf("%s: no pending line", key)
			case outside && id != first[key]:
				t.Errorf("%s, outside the scope: its line was replaced (%s, was %s)", key, id, first[key])
			case !outside && id == first[key]:
				t.Errorf("%s, in the scope: its line was not asked again", key)
			}
		}
		if n := len(proposals(t, srv.URL, c, "status=superseded")); n != 2 {
			t.Errorf("%d superseded, want 2", n)
		}
	})
}
