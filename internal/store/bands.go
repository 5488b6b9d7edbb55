package store

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"
)

// Zoom bands (issue 21): each area's geometry generalised for the tiles of
// a band of zooms, kept in area_bands beside the area and written in the
// transaction of every write of its geometry, so a low-zoom tile of
// boundaries drawn for street level (OpenStreetMap's, full-resolution
// ONS ones) reads a fraction of their vertices. A tile of zoom z reads the
// first band whose top zoom is at least z; tiles past the last band read
// the full geometry. Boundaries already generalised for maps (the ONS's
// "generalised" sets, as in the demo) gain little: few of their areas
// drop a quarter of their points, so few have rows at all.
//
// A band's geometry lies within BandTolerance units of the tile grid
// (1/4096 of a tile, 1/16 of a pixel of a 256-pixel tile) at its top zoom
// of the full geometry, on the Web Mercator plane: no more than the
// renderer, which simplifies to one unit and rounds to the grid, drops
// anyway, so it draws the same tile but for a stray unit here and there.
// Rings are simplified on their own (Douglas-Peucker): neighbours' shared
// edges may part by less than the tolerance and a ring may touch itself,
// which the renderer's rebuilding of polygons valid on the grid mends. A
// ring that would shrink below a triangle is kept whole.
const (
	// BandTolerance is a band's tolerance in units of the tile grid at the
	// band's top zoom: the renderer's own.
	BandTolerance = 1
	// bandKeep: a band's geometry is kept only when it has at most this
	// share of the full geometry's vertices; else tiles read the full one.
	bandKeep = 0.75
	// tileExtent is the tiles' grid, in units a tile across.
	tileExtent = 4096
)

// BandTops are the top zooms of the bands, finest first.
func BandTops() []int { return []int{13, 11, 9} }

// BandFor is the band (its top zoom) a tile of zoom z reads; false past
// the last band, where tiles read full geometry.
func BandFor(z int) (int, bool) {
	tops := BandTops()
	if z < 0 || z > tops[0] {
		return 0, false
	}
	for i := len(tops) - 1; i >= 0; i-- {
		if z <= tops[i] {
			return tops[i], true
		}
	}
	return 0, false
}

// AreaBand is one area's geometry generalised for a band.
type AreaBand struct {
	Top      int // the band's top zoom
	Geometry orb.MultiPolygon
}

// Generalise is mp generalised for each band where that pays (it drops
// more than a quarter of the vertices), finest first. mp is not modified.
// Each band is simplified from the full geometry: simplifying the next
// finer band again instead is faster but keeps many more points (the
// tolerance left for the second pass removes little the first did not).
func Generalise(mp orb.MultiPolygon) []AreaBand {
	full := vertices(mp)
	if full == 0 {
		return nil
	}
	var out []AreaBand
	for _, top := range BandTops() {
		g := simplifyRings(mp, BandTolerance*360/(tileExtent*math.Exp2(float64(top))))
		if float64(vertices(g)) <= bandKeep*float64(full) {
			out = append(out, AreaBand{Top: top, Geometry: g})
		}
	}
	return out
}

// simplifyRings is a copy of mp with each ring simplified to tol degrees
// of longitude on the Web Mercator plane (where tiles are drawn); the
// points kept are the ring's own. A ring that would shrink below a
// triangle stays as it was.
func simplifyRings(mp orb.MultiPolygon, tol float64) orb.MultiPolygon {
	dp := simplify.DouglasPeucker(tol)
	var proj orb.Ring
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			proj = proj[:0]
			for _, q := range r {
				proj = append(proj, orb.Point{q[0], mercatorY(q[1])})
			}
			kept := dp.Ring(slices.Clone(proj)) // simplifies in place
			if len(kept) < 4 || len(kept) == len(r) {
				out[i][j] = r
				continue
			}
			// kept is a subsequence of proj: walk both for r's points.
			s := make(orb.Ring, 0, len(kept))
			k := 0
			for n, q := range proj {
				if k < len(kept) && q == kept[k] {
					s = append(s, r[n])
					k++
				}
			}
			if k < len(kept) {
				s = r // cannot happen: DP keeps a subsequence
			}
			out[i][j] = s
		}
	}
	return out
}

// mercatorY is latitude on the Web Mercator plane, in degrees as longitude
// is.
func mercatorY(lat float64) float64 {
	lat = math.Max(-85.0511, math.Min(85.0511, lat))
	return math.Log(math.Tan(math.Pi/4+lat*math.Pi/360)) * 180 / math.Pi
}

// vertices counts mp's points.
func vertices(mp orb.MultiPolygon) int {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}

// bandedArea is an area whose bands are written: its feature id and
// geometry.
type bandedArea struct {
	fid  int64
	geom orb.MultiPolygon
}

// putBands writes the bands of areas, replacing any they had: every write
// of an area's geometry calls it in the same transaction (see
// TestAreaWritesKeepBands). Naming the areas' sets' tiles is the caller's.
func putBands(ctx context.Context, tx *Tx, areas []bandedArea, replace bool) error {
	if replace {
		if err := dropBands(ctx, tx, areas); err != nil {
			return err
		}
	}
	var rows [][]any
	for _, a := range areas {
		for _, b := range Generalise(a.geom) {
			g, err := tx.d.Geometry.Encode(b.Geometry)
			if err != nil {
				return fmt.Errorf("area %d band %d: %w", a.fid, b.Top, err)
			}
			rows = append(rows, []any{a.fid, b.Top, g})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	if err := tx.ExecBatch(ctx, `INSERT INTO area_bands (fid, band, geom) VALUES ($1, $2, $3)`, rows); err != nil {
		return fmt.Errorf("write zoom bands: %w", err)
	}
	return nil
}

// dropBands removes the bands of areas.
func dropBands(ctx context.Context, tx *Tx, areas []bandedArea) error {
	fids := make([]int64, len(areas))
	for i, a := range areas {
		fids[i] = a.fid
	}
	list, err := tx.d.SQL.List(fids)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM area_bands WHERE `+tx.d.SQL.InList("fid", "$1"), list); err != nil {
		return fmt.Errorf("drop zoom bands: %w", err)
	}
	return nil
}

// areaFID is the feature id of a set's area.
func areaFID(ctx context.Context, tx *Tx, set, code string) (int64, error) {
	var fid int64
	if err := tx.QueryRow(ctx, `SELECT fid FROM areas WHERE set_slug = $1 AND code = $2`, set, code).Scan(&fid); err != nil {
		return 0, fmt.Errorf("area %s/%s: %w", set, code, err)
	}
	return fid, nil
}

// fillPage is how many areas FillBands reads at a time.
const fillPage = 2000

// FillBands writes the zoom bands of every area once, after the migration
// that made area_bands found areas already in the store (it leaves the
// setting 'area_bands'): in one transaction that removes the setting, so
// of several instances opening together one fills and the others find
// nothing to do, and a fill cut short is done again at the next open.
// The dialects' Open calls it.
func (db *DB) FillBands(ctx context.Context) error {
	var pending int
	if err := db.d.Conns.Reads().QueryRow(ctx, `SELECT count(*) FROM settings WHERE key = 'area_bands'`).Scan(&pending); err != nil {
		return fmt.Errorf("zoom bands to fill: %w", err)
	}
	if pending == 0 {
		return nil
	}
	return db.write(ctx, func(tx *Tx) error {
		n, err := tx.Exec(ctx, `DELETE FROM settings WHERE key = 'area_bands'`)
		if err != nil || n == 0 {
			return err // nil: filled meanwhile
		}
		tx.tiles(AllTiles) // low zooms' tiles change (a little)
		for after := int64(0); ; {
			page, err := areaPage(ctx, tx, after)
			if err != nil || len(page) == 0 {
				return err
			}
			if err := putBands(ctx, tx, page, true); err != nil {
				return err
			}
			after = page[len(page)-1].fid
		}
	})
}

// areaPage reads the feature ids and geometries of the next fillPage areas
// by feature id after after.
func areaPage(ctx context.Context, tx *Tx, after int64) ([]bandedArea, error) {
	rows, err := tx.Query(ctx, `SELECT fid, `+tx.d.Geometry.Out("geom")+` FROM areas WHERE fid > $1 ORDER BY fid LIMIT $2`, after, fillPage)
	var fid int64
	var blob []byte
	return collect(rows, err, func(r Row) (bandedArea, error) {
		if err := r.Scan(&fid, &blob); err != nil {
			return bandedArea{}, err
		}
		g, err := tx.d.Geometry.Decode(blob)
		if err != nil {
			return bandedArea{}, fmt.Errorf("area %d: %w", fid, err)
		}
		mp, _ := g.(orb.MultiPolygon)
		return bandedArea{fid: fid, geom: mp}, nil
	})
}

// SetShape is an area of a set as tiles draw it at every zoom: the
// geometry AreaShapes answers with, full and of each zoom band.
type SetShape struct {
	ID         int64
	Code, Name string
	Geometry   orb.MultiPolygon
	// Bands are the area's geometry of the zoom bands it has rows for
	// (area_bands), finest first; a band it has none of reads Geometry.
	Bands []AreaBand
}

// EachSetShape hands yield every area of set with its zoom bands, in no
// order: all AreaShapes can answer of the set, for a renderer that keeps
// a set's shapes in memory. It reads the bands, then the areas, in two
// statements: a write between them is the caller's to notice (the set's
// tile version moves). ENOTFOUND for an unknown set; an error from yield
// stops the read and is returned.
func (db *DB) EachSetShape(ctx context.Context, set string, yield func(SetShape) error) error {
	bands, err := db.setBands(ctx, set)
	if err != nil {
		return err
	}
	rows, err := db.d.Conns.Reads().Query(ctx, `SELECT a.fid, a.code, a.name, `+db.d.Geometry.Out("a.geom")+
		` FROM areas a WHERE a.set_slug = $1`, set)
	if err != nil {
		return fmt.Errorf("shapes of %s: %w", set, err)
	}
	defer rows.Close()
	var s SetShape
	var blob []byte
	dest := []any{&s.ID, &s.Code, &s.Name, &blob}
	n := 0
	for ; rows.Next(); n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("shapes of %s: %w", set, err)
		}
		if s.Geometry, err = db.multiPolygon(blob); err != nil {
			return fmt.Errorf("shapes of %s: area %s: %w", set, s.Code, err)
		}
		s.Bands = bands[s.ID]
		if err := yield(s); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("shapes of %s: %w", set, err)
	}
	return db.setExists(ctx, set, n)
}

// setBands reads the zoom bands of a set's areas by feature id, each
// area's finest first.
func (db *DB) setBands(ctx context.Context, set string) (map[int64][]AreaBand, error) {
	// area_bands.geom holds what Geometry.Out reads of a geometry column
	// (bandShapes reads it the same way).
	rows, err := db.d.Conns.Reads().Query(ctx, `SELECT b.fid, b.band, b.geom FROM area_bands b JOIN areas a ON a.fid = b.fid WHERE a.set_slug = $1`, set)
	if err != nil {
		return nil, fmt.Errorf("zoom bands of %s: %w", set, err)
	}
	defer rows.Close()
	out := map[int64][]AreaBand{}
	var fid int64
	var top int
	var blob []byte
	for rows.Next() {
		if err := rows.Scan(&fid, &top, &blob); err != nil {
			return nil, fmt.Errorf("zoom bands of %s: %w", set, err)
		}
		mp, err := db.multiPolygon(blob)
		if err != nil {
			return nil, fmt.Errorf("zoom bands of %s: area %d band %d: %w", set, fid, top, err)
		}
		out[fid] = append(out[fid], AreaBand{Top: top, Geometry: mp})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("zoom bands of %s: %w", set, err)
	}
	for _, bs := range out {
		slices.SortFunc(bs, func(a, b AreaBand) int { return b.Top - a.Top })
	}
	return out, nil
}
