package storetest

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// assetCells: assets counted per cell of a tile (tiles of a deeper zoom)
// and category, a site by its located point, a point on the edge between
// two cells in the east one, whichever level the cells are read from; a bad
// query is EINVALID.
func assetCells(t *testing.T, st *store.DB) {
	ctx := context.Background()
	site := func(id string, x, y float64) place.Asset {
		a := asset(id, id, "park", orb.Point{})
		a.Geometry = Square(x, y, 0.01)[0]
		return a
	}
	if _, err := st.AddAssets(ctx, []place.Asset{
		asset("l1", "L1", "library", orb.Point{-1.47, 53.38}),
		asset("l2", "L2", "library", orb.Point{-1.4701, 53.3801}),
		asset("h1", "H1", "community_hall", orb.Point{-1.47, 53.38}),
		asset("edge", "On the meridian", "community_hall", orb.Point{0, 53.38}),
		asset("west", "West of it", "community_hall", orb.Point{-0.0001, 53.38}),
		site("park", -1.2, 53.1), // located about (-1.195, 53.105)
	}); err != nil {
		t.Fatal(err)
	}
	// Zoom 6 tile 31/20 holds them all; with depth 5 (zoom 11, a kept
	// level), 4 (zoom 10, summed 2 × 2 from 11) and 0 (zoom 6, summed from
	// 11, several blocks).
	tile := maptile.New(31, 20, 6)
	for _, depth := range []int{5, 4, 0} {
		cells, err := st.AssetCells(ctx, store.CellQuery{Tile: tile, Depth: depth})
		if err != nil {
			t.Fatal(err)
		}
		got := cellStrings(cells)
		want := expectedCells(t, st, tile, depth)
		if strings.Join(got, "; ") != strings.Join(want, "; ") {
			t.Errorf("depth %d cells:\n got %q\nwant %q", depth, got, want)
		}
		// Two libraries and a hall in one cell, the park, and the hall
		// west of the meridian in the last column: the tile's east edge,
		// and the hall on it, belong to the tile east.
		if depth == 5 && (len(got) != 4 || !strings.HasPrefix(got[3], "31,")) {
			t.Errorf("depth 5: cells %q, want 4, the last in column 31", got)
		}
	}
	for _, bad := range []store.CellQuery{
		{Tile: tile, Depth: 9},
		{Tile: tile, Depth: -1},
		{Tile: maptile.New(0, 0, 13), Depth: 5},
		{Tile: maptile.Tile{X: 64, Y: 0, Z: 6}, Depth: 5},
	} {
		_, err := st.AssetCells(ctx, bad)
		wantCode(t, err, place.EINVALID)
	}
}

// assetCellsAfterWrites: after every kind of write of assets, written or
// refused, the cells the store keeps are the cells counted from scratch,
// at every level, and tiles' cells read from them agree with counting the
// tile's assets.
func assetCellsAfterWrites(t *testing.T, st *store.DB) {
	ctx := context.Background()
	r := rand.New(rand.NewSource(22))
	cats := []string{"library", "park", "community_hall"}
	var many []place.Asset
	for i := range 120 {
		p := orb.Point{-1.6 + r.Float64()*0.5, 53.2 + r.Float64()*0.4}
		if i%4 == 0 { // some far apart, alone in their cells
			p = orb.Point{-5 + r.Float64()*7, 50 + r.Float64()*5}
		}
		many = append(many, asset(fmt.Sprintf("a%03d", i), fmt.Sprintf("A %d", i), cats[i%3], p))
	}
	steps := []struct {
		name  string
		write func() error
		code  string
	}{
		{"add many", func() error { _, err := st.AddAssets(ctx, many); return err }, ""},
		{"add few", func() error {
			_, err := st.AddAssets(ctx, []place.Asset{asset("f1", "F1", "park", orb.Point{-1.47, 53.38}), asset("f2", "F2", "park", orb.Point{-1.47, 53.38})})
			return err
		}, ""},
		{"add a taken id", func() error {
			_, err := st.AddAssets(ctx, []place.Asset{asset("f3", "F3", "park", orb.Point{1, 52}), asset("f1", "F1", "park", orb.Point{1, 52})})
			return err
		}, place.ECONFLICT},
		{"move", func() error {
			return update(ctx, st, "a001", func(a *place.Asset) { a.Geometry = orb.Point{-2.5, 51.5} })
		}, ""},
		{"recategorise", func() error { return update(ctx, st, "a002", func(a *place.Asset) { a.Category = "community_centre" }) }, ""},
		{"make a site", func() error {
			return update(ctx, st, "a003", func(a *place.Asset) { a.Geometry = Square(-1.3, 53.3, 0.02)[0] })
		}, ""},
		{"rename", func() error { return update(ctx, st, "a005", func(a *place.Asset) { a.Name = "Renamed" }) }, ""},
		{"close", func() error { return update(ctx, st, "a006", func(a *place.Asset) { a.Status = place.Closed }) }, ""},
		{"stale update", func() error {
			a, _ := st.Asset(ctx, "a007")
			a.Geometry = orb.Point{3, 3}
			_, err := st.UpdateAsset(ctx, a, a.Version+1)
			return err
		}, place.ECONFLICT},
		{"review", func() error {
			a, _ := st.Asset(ctx, "a008")
			_, err := st.MarkReviewed(ctx, "a008", a.Version)
			return err
		}, ""},
		{"delete one alone", func() error { a, _ := st.Asset(ctx, "a000"); return st.DeleteAsset(ctx, "a000", a.Version) }, ""},
		{"delete one of a crowd", func() error { a, _ := st.Asset(ctx, "f2"); return st.DeleteAsset(ctx, "f2", a.Version) }, ""},
		{"stale delete", func() error { a, _ := st.Asset(ctx, "a009"); return st.DeleteAsset(ctx, "a009", a.Version+1) }, place.ECONFLICT},
	}
	for _, s := range steps {
		err := s.write()
		if place.ErrorCode(err) != s.code && !(s.code == "" && err == nil) {
			t.Fatalf("%s: %v, want %q", s.name, err, s.code)
		}
		kept, scratch := keptCells(t, st), scratchCells(t, st)
		if kept != scratch {
			t.Fatalf("after %s, the cells kept differ from a count from scratch:\n kept    %s\n scratch %s", s.name, kept, scratch)
		}
		for _, q := range []store.CellQuery{
			{Tile: maptile.New(1, 0, 1), Depth: 5}, {Tile: maptile.New(31, 20, 6), Depth: 5},
			{Tile: maptile.New(62, 41, 7), Depth: 5}, {Tile: maptile.New(252, 164, 9), Depth: 5},
			{Tile: maptile.New(4030, 2638, 13), Depth: 4}, {Tile: maptile.New(2015, 1319, 12), Depth: 5},
		} {
			cells, err := st.AssetCells(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			got, want := cellStrings(cells), expectedCells(t, st, q.Tile, q.Depth)
			if strings.Join(got, "; ") != strings.Join(want, "; ") {
				t.Errorf("after %s, tile %v depth %d:\n got %q\nwant %q", s.name, q.Tile, q.Depth, got, want)
			}
		}
	}
}

func update(ctx context.Context, st *store.DB, id string, change func(a *place.Asset)) error {
	a, err := st.Asset(ctx, id)
	if err != nil {
		return err
	}
	change(&a)
	_, err = st.UpdateAsset(ctx, a, a.Version)
	return err
}

// keptCells lists the table asset_cells, sorted.
func keptCells(t *testing.T, st *store.DB) string {
	t.Helper()
	rows, err := st.Dialect().Conns.Reads().Query(context.Background(),
		`SELECT level, x, y, category, n, sum_lon, sum_lat FROM asset_cells`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var level, x, y, n, lon, lat int64
		var cat string
		if err := rows.Scan(&level, &x, &y, &cat, &n, &lon, &lat); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d/%d/%d %s %d %d %d", level, x, y, cat, n, lon, lat))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

// scratchCells counts every asset into its cells at every level kept, as
// keptCells lists them: by its located point, in units of 1e-7 degree
// truncated towards zero.
func scratchCells(t *testing.T, st *store.DB) string {
	t.Helper()
	type key struct {
		z    maptile.Zoom
		x, y uint32
		cat  string
	}
	sums := map[key][3]int64{}
	for _, a := range allAssets(t, st) {
		p := geo.PointOnSurface(a.Geometry)
		for _, l := range store.CellLevels() {
			c := maptile.At(p, maptile.Zoom(l))
			k := key{c.Z, c.X, c.Y, a.Category}
			s := sums[k]
			sums[k] = [3]int64{s[0] + 1, s[1] + int64(p[0]*1e7), s[2] + int64(p[1]*1e7)}
		}
	}
	var out []string
	for k, s := range sums {
		out = append(out, fmt.Sprintf("%d/%d/%d %s %d %d %d", k.z, k.x, k.y, k.cat, s[0], s[1], s[2]))
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

// expectedCells counts the assets of tile into its cells depth zooms
// deeper, from scratch, as cellStrings lists them.
func expectedCells(t *testing.T, st *store.DB, tile maptile.Tile, depth int) []string {
	t.Helper()
	type key struct {
		col, row int
		cat      string
	}
	type sum struct{ n, lon, lat int64 }
	sums := map[key]*sum{}
	for _, a := range allAssets(t, st) {
		p := geo.PointOnSurface(a.Geometry)
		if maptile.At(p, tile.Z) != tile {
			continue
		}
		c := maptile.At(p, tile.Z+maptile.Zoom(depth))
		k := key{int(c.X - tile.X<<depth), int(c.Y - tile.Y<<depth), a.Category}
		s := sums[k]
		if s == nil {
			s = &sum{}
			sums[k] = s
		}
		s.n, s.lon, s.lat = s.n+1, s.lon+int64(p[0]*1e7), s.lat+int64(p[1]*1e7)
	}
	var cells []store.AssetCell
	for k, s := range sums {
		cells = append(cells, store.AssetCell{Col: k.col, Row: k.row, Category: k.cat, Count: int(s.n),
			SumLon: float64(s.lon) / 1e7, SumLat: float64(s.lat) / 1e7})
	}
	return cellStrings(cells)
}

// cellStrings lists cells sorted, their sums to 1e-6 degree.
func cellStrings(cells []store.AssetCell) []string {
	var out []string
	for _, c := range cells {
		out = append(out, fmt.Sprintf("%d,%d %s %d %.6f %.6f", c.Col, c.Row, c.Category, c.Count, c.SumLon, c.SumLat))
	}
	sort.Strings(out)
	return out
}

func allAssets(t *testing.T, st *store.DB) []place.Asset {
	t.Helper()
	all, err := store.AllAssets(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// MigrationFillsCells: the statement of a migration (its text) that fills
// asset_cells from the assets there are makes the cells the store's writes
// keep, so cells filled by the migration and kept by writes agree. st is a
// new, empty store.
func MigrationFillsCells(t *testing.T, st *store.DB, migration string) {
	ctx := context.Background()
	_, fill, ok := strings.Cut(migration, "INSERT INTO asset_cells")
	fill, _, semi := strings.Cut(fill, ";")
	if !ok || !semi {
		t.Fatal("the migration has no INSERT INTO asset_cells …;")
	}
	r := rand.New(rand.NewSource(21))
	var assets []place.Asset
	for i := range 300 {
		p := orb.Point{-8 + r.Float64()*10, 49.9 + r.Float64()*11}
		if i%10 == 0 { // a site, placed by its located point
			assets = append(assets, place.Asset{ID: fmt.Sprintf("m%d", i), Name: "M", Category: "park", Status: place.Open, Geometry: Square(p[0], p[1], 0.003)[0]})
			continue
		}
		assets = append(assets, asset(fmt.Sprintf("m%d", i), "M", []string{"library", "park"}[i%2], p))
	}
	assets = append(assets, asset("far", "Far north", "library", orb.Point{10, 89.5}), asset("antimeridian", "East edge", "library", orb.Point{180, 0}))
	if _, err := st.AddAssets(ctx, assets); err != nil {
		t.Fatal(err)
	}
	kept := keptCells(t, st)
	tx, err := st.Dialect().Conns.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `DELETE FROM asset_cells`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO asset_cells"+fill); err != nil {
		t.Fatalf("the migration's fill: %v", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if filled := keptCells(t, st); filled != kept {
		t.Errorf("the migration fills cells other than writes keep:\n filled %s\n kept   %s", filled, kept)
	}
}
