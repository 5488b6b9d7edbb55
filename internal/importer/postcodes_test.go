package importer_test

import (
	"context"
	"os"
	"strings"
	"testing"

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
