package importer_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
)

// units is a row of five 0.1° squares, codes U1..U5.
func units() string {
	var fs []string
	for i := 0; i < 5; i++ {
		x := -1.6 + 0.1*float64(i)
		fs = append(fs, fmt.Sprintf(`{"type":"Feature","properties":{"code":"U%d"},"geometry":{"type":"Polygon","coordinates":[[[%g,53.3],[%g,53.3],[%g,53.4],[%g,53.4],[%g,53.3]]]}}`,
			i+1, x, x+0.1, x+0.1, x, x))
	}
	return `{"type":"FeatureCollection","features":[` + strings.Join(fs, ",") + `]}`
}

func TestSetFromLookup(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := importer.Set(ctx, st, strings.NewReader(units()), "units.geojson", place.BoundarySet{Slug: "units", Title: "Units", Kind: place.Statistical}, formats.BoundaryOptions{}); err != nil {
		t.Fatal(err)
	}
	// U5 is in no group; groups are numbered, and "10" sorts after "2".
	lookup := "UNIT,GROUP,NAME\nU1,10,West\nU2,10,West\nU3,2,East\nU4,2,East\n"
	res, err := importer.SetFromLookup(ctx, st, strings.NewReader(lookup), "lookup.csv",
		place.BoundarySet{Slug: "groups", Title: "Groups", Kind: place.Service},
		importer.LookupOptions{Units: "units", UnitField: "UNIT", GroupField: "GROUP", NameField: "NAME"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Areas != 2 || fmt.Sprint(res.Unassigned) != "[U5]" {
		t.Errorf("result = %+v", res)
	}
	areas, err := st.Areas(ctx, "groups", store.AreaQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(areas) != 2 || areas[0].Code != "10" || areas[0].Name != "West" || areas[1].Name != "East" {
		t.Fatalf("areas = %+v", areas)
	}
	// Dissolving two squares gives one polygon with no seam.
	for _, a := range areas {
		if len(a.Geometry) != 1 || len(a.Geometry[0]) != 1 {
			t.Errorf("%s: want one polygon without holes, got %d polygons", a.Code, len(a.Geometry))
		}
		if a.Properties["unit_count"] != float64(2) || a.Properties["unit_set"] != "units" {
			t.Errorf("%s properties = %v", a.Code, a.Properties)
		}
	}
}

func TestAssetIDsAreStable(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	csv := "id,name,category,lon,lat\n7,Heeley Library,library,-1.47,53.36\n,Meersbrook Hall,community_hall,-1.48,53.35\n"
	opts := formats.AssetOptions{Source: "test.csv"}
	if _, err := importer.Assets(ctx, st, strings.NewReader(csv), "test.csv", opts); err != nil {
		t.Fatal(err)
	}
	page, err := st.Assets(ctx, store.AssetQuery{})
	if err != nil {
		t.Fatal(err)
	}
	first := page.Assets[0].ID + " " + page.Assets[1].ID
	// The same file again is a conflict on the same ids, not a duplicate.
	_, err = importer.Assets(ctx, st, strings.NewReader(csv), "test.csv", opts)
	if place.ErrorCode(err) != place.ECONFLICT {
		t.Fatalf("reimport: %v, want conflict", err)
	}
	st2, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if _, err := importer.Assets(ctx, st2, strings.NewReader(csv), "test.csv", opts); err != nil {
		t.Fatal(err)
	}
	page2, _ := st2.Assets(ctx, store.AssetQuery{})
	if second := page2.Assets[0].ID + " " + page2.Assets[1].ID; second != first {
		t.Errorf("ids differ between stores: %s vs %s", first, second)
	}
}
