package importer_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
)

func TestPostcodesImport(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		file, layout            string
		count, terminated, noLo int
		ni                      bool
	}{
		{"onspd.csv", "onspd", 4, 1, 1, true},
		{"nspl.csv", "onspd", 2, 1, 0, false},
		{"codepoint.csv", "codepoint", 2, 0, 1, false},
		{"plain.csv", "plain", 2, 0, 0, false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			st := newStore(t)
			f, err := os.Open("../postcode/testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			res, err := importer.Postcodes(ctx, st, f, tc.file, importer.PostcodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Layout != tc.layout || res.Count != tc.count || res.Terminated != tc.terminated || res.NoLocation != tc.noLo || (res.NI > 0) != tc.ni {
				t.Fatalf("result %+v", res)
			}
			info, err := st.PostcodeInfo(ctx)
			if err != nil || info.Licence != "OGL-UK-3.0" || info.Source != tc.file || strings.Contains(info.Note, "Northern Ireland") != tc.ni {
				t.Fatalf("info %+v, %v", info, err)
			}
		})
	}
	st := newStore(t)
	if _, err := importer.Postcodes(ctx, st, strings.NewReader("postcode,lon,lat\nS8 0AB,-1.4,53.3\n"), "good.csv", importer.PostcodeOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := importer.Postcodes(ctx, st, strings.NewReader("postcode,lon,lat\nS8 0AD,-1.4,53.3\nS8 0AE,east,53.3\n"), "bad.csv", importer.PostcodeOptions{})
	if place.ErrorCode(err) != place.EINVALID || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("bad row: %v", err)
	}
	if _, err := st.Postcode(ctx, "S8 0AD"); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("a refused file wrote S8 0AD: %v", err)
	}
	if _, err := st.Postcode(ctx, "S8 0AB"); err != nil {
		t.Errorf("a refused file lost the postcodes before: %v", err)
	}
}

func newStore(t *testing.T) *store.DB {
	t.Helper()
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestAssetsByPostcode(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	pcs := "pcds,doterm,lat,long\nS8 0AB,,53.3,-1.45\nS8 0AD,200012,53.301,-1.451\n"
	if _, err := importer.Postcodes(ctx, st, strings.NewReader(pcs), "pc.csv", importer.PostcodeOptions{}); err != nil {
		t.Fatal(err)
	}
	opts := formats.AssetOptions{Source: "centres.csv", Postcodes: importer.PostcodeLookup(ctx, st)}
	// No coordinate columns at all, and a file that mixes both.
	for _, file := range []string{
		"name,category,postcode\nHeeley Centre,community_centre,s80ab\n",
		"name,category,lon,lat,postcode\nHeeley Hub,community_centre,,,S8 0AB\nSurveyed Hall,community_hall,-1.46,53.31,S8 0AB\n",
	} {
		rep, err := importer.Assets(ctx, st, strings.NewReader(file), "centres.csv", opts)
		if err != nil || rep.Assets < 1 {
			t.Fatalf("%q: %+v, %v", file, rep, err)
		}
	}
	page, err := st.Assets(ctx, store.AssetQuery{})
	if err != nil {
		t.Fatal(err)
	}
	placed := 0
	for _, a := range page.Assets {
		switch a.Name {
		case "Heeley Centre", "Heeley Hub":
			placed++
			if a.Geometry != (orb.Point{-1.45, 53.3}) || a.Tags[formats.LocationPrecision] != "postcode" {
				t.Errorf("%s at %v, tags %v; want at S8 0AB's point, location_precision postcode", a.Name, a.Geometry, a.Tags)
			}
		case "Surveyed Hall":
			if a.Geometry != (orb.Point{-1.46, 53.31}) || a.Tags[formats.LocationPrecision] != "" {
				t.Errorf("%s at %v, tags %v; want its own coordinates", a.Name, a.Geometry, a.Tags)
			}
		}
	}
	if placed != 2 {
		t.Errorf("%d assets placed by postcode, want 2", placed)
	}
	for _, tc := range []struct{ file, want string }{
		{"name,category,postcode\nA,library,S8 0AB\nB,library,S9 9ZZ\n", "line 3: postcode S9 9ZZ is not in the postcodes imported"},
		{"name,category,postcode\nA,library,S8 0AD\n", "line 2: postcode S8 0AD was terminated in 2000-12"},
		{"name,category,postcode\nA,library,nonsense\n", "line 2: postcode \"nonsense\""},
		{"name,category,lon,lat,postcode\nA,library,,,\n", "line 2: no coordinates and no postcode"},
	} {
		before, _ := st.Assets(ctx, store.AssetQuery{})
		_, err := importer.Assets(ctx, st, strings.NewReader(tc.file), "centres.csv", opts)
		if place.ErrorCode(err) != place.EINVALID || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v; want EINVALID %q", tc.file, err, tc.want)
		}
		if after, _ := st.Assets(ctx, store.AssetQuery{}); after.Matched != before.Matched {
			t.Errorf("%q: a refused file wrote %d assets", tc.file, after.Matched-before.Matched)
		}
	}
	// Without a lookup, a postcode-only file is refused, saying to import postcodes.
	_, err = importer.Assets(ctx, st, strings.NewReader("name,category,postcode\nA,library,S8 0AB\n"), "c.csv", formats.AssetOptions{})
	if err == nil || !strings.Contains(err.Error(), "import postcodes") {
		t.Errorf("no lookup: %v", err)
	}
}
