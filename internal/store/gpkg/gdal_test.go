package gpkg_test

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/testkit"
)

// TestGDALReadsGeoPackage opens the file with GDAL, an independent reader:
// every feature table must be listed with its geometry type, SRS and
// feature count, the R-tree index must be recognised, and GDAL's own
// GeoPackage validation must find nothing wrong.
func TestGDALReadsGeoPackage(t *testing.T) {
	ogrinfo := testkit.Need(t, "ogrinfo", "gdal-bin")
	ctx := context.Background()
	dir := t.TempDir()
	st, err := gpkg.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	sq := orb.MultiPolygon{{{{-1.5, 53.3}, {-1.4, 53.3}, {-1.4, 53.4}, {-1.5, 53.4}, {-1.5, 53.3}}}}
	if _, err := st.ImportSet(ctx, place.BoundarySet{Slug: "one", Title: "One", Kind: place.Community}, []place.Area{{Code: "X1", Name: "Heeley", Geometry: sq}}); err != nil {
		t.Fatal(err)
	}
	site := orb.Polygon{{{-1.46, 53.35}, {-1.45, 53.35}, {-1.45, 53.36}, {-1.46, 53.36}, {-1.46, 53.35}}}
	if _, err := st.AddAssets(ctx, []place.Asset{
		{ID: "a", Name: "Heeley Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.47, 53.36}},
		{ID: "b", Name: "Meersbrook Park", Category: "park", Status: place.Open, Geometry: site},
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	path := dir + "/" + gpkg.FileName

	out, err := exec.Command(ogrinfo, "-ro", "-so", "-al", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{
		"Layer name: boundary_sets", "Layer name: areas", "Layer name: assets", "Layer name: memberships",
		"Geometry: Multi Polygon", "Geometry: Point", "Geometry: Unknown (any)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("ogrinfo output lacks %q", want)
		}
	}
	counts := regexp.MustCompile(`Layer name: (\w+)[\s\S]*?Feature Count: (\d+)`).FindAllStringSubmatch(text, -1)
	got := map[string]string{}
	for _, m := range counts {
		got[m[1]] = m[2]
	}
	for layer, n := range map[string]string{"boundary_sets": "1", "areas": "1", "assets": "2", "memberships": "2", "revisions": "3", "settings": "1"} {
		if got[layer] != n {
			t.Errorf("ogrinfo: %s has %s features, want %s\n%s", layer, got[layer], n, text)
		}
	}
	if !strings.Contains(text, `ID["EPSG",4326]`) && !strings.Contains(text, `AUTHORITY["EPSG","4326"]`) {
		t.Errorf("ogrinfo does not see EPSG:4326:\n%s", text)
	}

	// GDAL reads the R-tree through its spatial filter; HasSpatialIndex
	// comes from the gpkg_extensions registration.
	out, err = exec.Command(ogrinfo, "-ro", "-sql", "SELECT HasSpatialIndex('assets','geom')", path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "= 1") {
		t.Errorf("HasSpatialIndex: %v\n%s", err, out)
	}
	out, err = exec.Command(ogrinfo, "-ro", "-spat", "-1.475", "53.355", "-1.465", "53.365", path, "assets").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Heeley Library") || strings.Contains(string(out), "Meersbrook") {
		t.Errorf("spatial filter through the R-tree: %v\n%s", err, out)
	}
	// A GeoPackage GDAL considers broken makes it print warnings or errors.
	out, err = exec.Command(ogrinfo, "-ro", "-q", "--config", "OGR_GPKG_INTEGRITY_CHECK", "YES", path).CombinedOutput()
	if err != nil || strings.Contains(string(out), "Warning") || strings.Contains(string(out), "ERROR") {
		t.Errorf("ogrinfo integrity: %v\n%s", err, out)
	}
}
