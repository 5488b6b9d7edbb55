package gpkg

import (
	"context"
	"errors"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/store"
)

// TestBasemapBulkLoad: a basemap import sets the R-tree and full-text
// triggers aside and rebuilds both indexes once: afterwards (and after an
// import that fails) the triggers are the migrations' own, the R-tree
// holds every feature's box and no other, and full-text search finds the
// new names and not the old.
func TestBasemapBulkLoad(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	q := st.Dialect().Conns.Reads()
	triggers := func() string {
		rows, err := q.Query(ctx, `SELECT name || ':' || sql FROM sqlite_master WHERE type = 'trigger'
			AND tbl_name IN ('basemap_features', 'basemap_names') ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		s := ""
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			s += v + "\n"
		}
		return s
	}
	want := triggers()
	if want == "" {
		t.Fatal("no triggers on the basemap tables")
	}
	replace := func(street string, x float64, n int, fail error) error {
		return st.ReplaceBasemap(ctx, func(w *store.BasemapWriter) (store.BasemapInfo, error) {
			for i := range n {
				d := float64(i) * 0.001
				line := orb.LineString{{x + d, 53.38}, {x + d + 0.0005, 53.381}}
				if err := w.Add(store.BasemapFeature{Band: 3, LastBand: 3, Layer: "roads", Class: "primary", Name: street, Geometry: line}); err != nil {
					return store.BasemapInfo{}, err
				}
			}
			p := orb.Point{x, 53.38}
			err := w.Names([]store.BasemapName{{Kind: "street", Class: "primary", Name: street, Point: p, BBox: p.Bound()}})
			if err == nil {
				err = fail
			}
			return store.BasemapInfo{Source: street, Bounds: p.Bound()}, err
		})
	}
	boom := errors.New("boom")
	for _, c := range []struct {
		street string
		n      int
		fail   error
		want   string // the street the basemap then has
		rows   int
	}{
		{"Division Street", 300, nil, "Division", 300},
		{"West Street", 120, nil, "West", 120},
		{"Half Street", 50, boom, "West", 120},
	} {
		err := replace(c.street, -1.47, c.n, c.fail)
		if !errors.Is(err, c.fail) {
			t.Fatalf("%s: %v, want %v", c.street, err, c.fail)
		}
		if got := triggers(); got != want {
			t.Errorf("%s: triggers\n%s\nwant\n%s", c.street, got, want)
		}
		var n, matched int
		if err := q.QueryRow(ctx, `SELECT count(*), count(f.fid) FROM rtree_basemap_features_geom r LEFT JOIN basemap_features f
			ON f.fid = r.id AND r.minx <= ST_MinX(f.geom) AND r.maxx >= ST_MaxX(f.geom) AND r.miny <= ST_MinY(f.geom) AND r.maxy >= ST_MaxY(f.geom)`).Scan(&n, &matched); err != nil {
			t.Fatal(err)
		}
		if n != c.rows || matched != c.rows {
			t.Errorf("%s: R-tree holds %d rows, %d of them a feature's box; want %d", c.street, n, matched, c.rows)
		}
		for _, word := range []string{"Division", "West", "Half"} {
			var hits int
			if err := q.QueryRow(ctx, `SELECT count(*) FROM basemap_names_fts WHERE basemap_names_fts MATCH $1`, word).Scan(&hits); err != nil {
				t.Fatal(err)
			}
			if w := map[bool]int{true: 1}[word == c.want]; hits != w {
				t.Errorf("%s: search %q finds %d names, want %d", c.street, word, hits, w)
			}
		}
	}
	fs, err := st.BasemapFeatures(ctx, store.BasemapQuery{Band: 3, Zoom: 16, BBox: orb.Bound{Min: orb.Point{-1.4699, 53}, Max: orb.Point{-1.4689, 54}}})
	if err != nil || len(fs) != 2 {
		t.Errorf("features by box: %d, %v; want 2", len(fs), err)
	}
}
