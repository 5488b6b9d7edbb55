package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/testkit"
)

// TestORUKExportValidates writes the demo's assets, and one with opening
// hours and a full address, as Open Referral UK services, from the CLI and
// the API, and validates them against the profile's published schemas with
// ajv (test/js/oruk-validate.mjs).
func TestORUKExportValidates(t *testing.T) {
	node := testkit.Need(t, "node", "nodejs")
	testkit.NeedNodeModules(t, "ajv")
	root := testkit.RepoRoot(t)
	validate := func(kind, src string) string {
		t.Helper()
		out, err := exec.Command(node, filepath.Join(root, "test/js/oruk-validate.mjs"), kind, src).CombinedOutput()
		if err != nil {
			t.Errorf("ORUK %s %s does not validate: %v\n%s", kind, src, err, out)
		}
		return string(out)
	}
	data, dir := t.TempDir(), t.TempDir()
	if code, _, errs := cli(t, "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	hub := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Heeley Hub","category":"community_centre",
	 "address":"12 Gleadless Road, Sheffield","postcode":"S2 3AA","opening_hours":"Mo-Fr 09:00-17:00; We 13:00-17:00; Sa 10:00-12:00",
	 "operator":"Heeley Trust","website":"https://heeley.example.org/","licence":"CC0-1.0"},"geometry":{"type":"Point","coordinates":[-1.471,53.361]}}]}`
	if code, _, errs := cli(t, "import", "assets", write(t, dir, "hub.geojson", hub), "--data", data); code != 0 {
		t.Fatal(errs)
	}
	file := filepath.Join(dir, "services.json")
	if code, out, errs := cli(t, "export", "oruk", "--out", file, "--data", data); code != 0 || !strings.Contains(out, "30 Open Referral UK services") {
		t.Fatalf("export oruk: %d %s %s", code, out, errs)
	}
	if out := validate("page", file); !strings.Contains(out, "valid: 30 services") {
		t.Errorf("validator: %s", out)
	}
	b, _ := os.ReadFile(file)
	for _, want := range []string{`"byday": "MO,TU,TH,FR"`, `"opens_at": "09:00"`, `"byday": "WE"`, `"opens_at": "13:00"`, `"name": "Heeley Trust"`,
		`"city": "Sheffield"`, `via Libraries Hacked`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the export lacks %s", want)
		}
	}

	base := serveDemo(t)
	validate("page", base+"/api/oruk/services?per_page=10&page=2")
	var page struct {
		Contents []struct{ ID string }
	}
	getJSON(t, base+"/api/oruk/services?per_page=1", &page)
	if len(page.Contents) != 1 {
		t.Fatalf("one service per page: %+v", page)
	}
	validate("service", base+"/api/oruk/services/"+page.Contents[0].ID)
}

// TestORUKAPIValidates walks the demo's ORUK API as the ORUK validator
// does (GET /, its OpenAPI, /services paged, /services/{id}) and on through
// taxonomies, taxonomy terms and services at locations: every answer, each
// list's first, last and past-the-end page, each item kind and the 404s,
// checked with ajv against the profile's OpenAPI (test/js/oruk-api.mjs).
// Answers that lack a required field must fail it.
func TestORUKAPIValidates(t *testing.T) {
	node := testkit.Need(t, "node", "nodejs")
	testkit.NeedNodeModules(t, "ajv")
	script := filepath.Join(testkit.RepoRoot(t), "test/js/oruk-api.mjs")
	base := serveDemo(t) + "/api/oruk"
	out, err := exec.Command(node, script, "api", base).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "valid: ") {
		t.Fatalf("the ORUK API does not validate: %v\n%s", err, out)
	}
	t.Logf("%s", out)

	// The validator must refuse answers that lack what the schemas require.
	var root map[string]any
	getJSON(t, base+"/", &root)
	var terms, services, located struct {
		Contents []map[string]any `json:"contents"`
	}
	getJSON(t, base+"/taxonomy_terms", &terms)
	getJSON(t, base+"/services?per_page=2", &services)
	getJSON(t, base+"/service_at_locations?per_page=1", &located)
	var page map[string]any
	getJSON(t, base+"/services?per_page=2", &page)
	dir := t.TempDir()
	for _, tc := range []struct {
		template string
		doc      any
		drop     func()
	}{
		{"/", root, func() { delete(root, "openapi_url") }},
		{"/taxonomy_terms/{id}", terms.Contents[0], func() { delete(terms.Contents[0], "name") }},
		{"/services/{id}", services.Contents[0], func() { delete(services.Contents[0], "status") }},
		{"/service_at_locations/{id}", located.Contents[0], func() { delete(located.Contents[0], "id") }},
		{"/services", page, func() { delete(page, "total_pages") }},
	} {
		file := filepath.Join(dir, "answer.json")
		b, _ := json.Marshal(tc.doc)
		os.WriteFile(file, b, 0o644)
		if out, err := exec.Command(node, script, "response", tc.template, file).CombinedOutput(); err != nil {
			t.Errorf("GET %s as served should validate: %v\n%s", tc.template, err, out)
		}
		tc.drop()
		b, _ = json.Marshal(tc.doc)
		os.WriteFile(file, b, 0o644)
		if out, err := exec.Command(node, script, "response", tc.template, file).CombinedOutput(); err == nil {
			t.Errorf("GET %s without a required field validates: %s", tc.template, out)
		}
	}
}
