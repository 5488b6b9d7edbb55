package main

import (
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
