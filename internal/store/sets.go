package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
)

func scanSet(r Row) (place.SetSummary, error) {
	var ss place.SetSummary
	var kind, current, provenance string
	var minx, miny, maxx, maxy sql.NullFloat64
	err := r.Scan(&ss.Slug, &ss.Title, &kind, &ss.Publisher, &ss.ReleaseDate, &ss.Licence, &ss.Attribution,
		&ss.Source, &ss.Description, &ss.AreaCount, timeScan{&ss.CreatedAt}, &minx, &miny, &maxx, &maxy,
		&ss.CodeField, &ss.NameField, &provenance, &ss.Series, &current)
	if err != nil {
		return ss, err
	}
	if ss.Provenance, err = DecodeProvenance(provenance); err != nil {
		return ss, fmt.Errorf("set %s: %w", ss.Slug, err)
	}
	ss.Kind = place.Kind(kind)
	ss.Current = ss.Series == "" || current == ss.Slug
	if minx.Valid && miny.Valid && maxx.Valid && maxy.Valid {
		ss.BBox = orb.Bound{Min: orb.Point{minx.Float64, miny.Float64}, Max: orb.Point{maxx.Float64, maxy.Float64}}
	}
	return ss, nil
}

// Sets lists every boundary set in the order they were imported.
func (db *DB) Sets(ctx context.Context) ([]place.SetSummary, error) {
	rows, err := db.d.Conns.Reads().Query(ctx, `SELECT `+db.q.setColumns+` FROM boundary_sets ORDER BY fid`)
	out, err := collect(rows, err, scanSet)
	if err != nil {
		return nil, fmt.Errorf("list sets: %w", err)
	}
	return out, nil
}

// Set returns one boundary set; ENOTFOUND.
func (db *DB) Set(ctx context.Context, slug string) (place.SetSummary, error) {
	return db.set(ctx, db.d.Conns.Reads(), slug)
}

func (db *DB) set(ctx context.Context, c Conn, slug string) (place.SetSummary, error) {
	ss, err := scanSet(c.QueryRow(ctx, `SELECT `+db.q.setColumns+` FROM boundary_sets WHERE slug = $1`, slug))
	if noRows(err) {
		return ss, place.Errorf(place.ENOTFOUND, "no boundary set %q", slug)
	}
	if err != nil {
		return ss, fmt.Errorf("set %s: %w", slug, err)
	}
	return ss, nil
}

func (db *DB) scanArea(r Row) (place.Area, error) { return db.scanAreaInto(r, newAreaRow()) }

// areaRow is where an area's columns are scanned: a query of many rows
// scans every row into one, rather than making a list of destinations per
// row.
type areaRow struct {
	a     place.Area
	props string
	blob  []byte
	dest  []any
}

func newAreaRow() *areaRow {
	r := &areaRow{}
	r.dest = []any{&r.a.ID, &r.a.Set, &r.a.Code, &r.a.Name, &r.props, &r.blob}
	return r
}

func (db *DB) scanAreaInto(r Row, row *areaRow) (place.Area, error) {
	if err := r.Scan(row.dest...); err != nil {
		return place.Area{}, err
	}
	a := row.a
	mp, err := db.multiPolygon(row.blob)
	if err != nil {
		return a, fmt.Errorf("area %s/%s: %w", a.Set, a.Code, err)
	}
	a.Geometry = mp
	if err := json.Unmarshal([]byte(row.props), &a.Properties); err != nil {
		return a, fmt.Errorf("area %s/%s: properties: %w", a.Set, a.Code, err)
	}
	return a, nil
}

// multiPolygon decodes an area's geometry column.
func (db *DB) multiPolygon(blob []byte) (orb.MultiPolygon, error) {
	g, err := db.d.Geometry.Decode(blob)
	if err != nil {
		return nil, err
	}
	mp, ok := g.(orb.MultiPolygon)
	if !ok {
		return nil, fmt.Errorf("geometry is %s, not MultiPolygon", g.GeoJSONType())
	}
	return mp, nil
}

// Areas lists areas of a set ordered by code; ENOTFOUND for an unknown set.
func (db *DB) Areas(ctx context.Context, set string, q AreaQuery) ([]place.Area, error) {
	limit, offset := Page(q.Limit, q.Offset)
	query, a := db.q.areas, []any{set, limit, offset}
	if q.BBox != nil {
		b := q.BBox
		query, a = db.q.areasInBox, []any{b.Min[0], b.Min[1], b.Max[0], b.Max[1], set, limit, offset}
	}
	rows, err := db.d.Conns.Reads().Query(ctx, query, a...)
	row := newAreaRow()
	out, err := collect(rows, err, func(r Row) (place.Area, error) { return db.scanAreaInto(r, row) })
	if err != nil {
		return nil, fmt.Errorf("areas of %s: %w", set, err)
	}
	return out, db.setExists(ctx, set, len(out))
}

// setExists tells an empty answer about a set from a set that does not
// exist: ENOTFOUND when n is 0 and there is no such set.
func (db *DB) setExists(ctx context.Context, set string, n int) error {
	if n > 0 {
		return nil
	}
	// Not Set: its summary (series, extent…) costs more than an empty
	// tile's own query.
	var one int
	err := db.d.Conns.Reads().QueryRow(ctx, `SELECT 1 FROM boundary_sets WHERE slug = $1`, set).Scan(&one)
	if noRows(err) {
		return place.Errorf(place.ENOTFOUND, "no boundary set %q", set)
	}
	if err != nil {
		return fmt.Errorf("set %s: %w", set, err)
	}
	return nil
}

// boxArgs adds a box's corners as parameters: min x, min y, max x, max y.
func boxArgs(a *args, b orb.Bound) [4]string {
	return [4]string{a.add(b.Min[0]), a.add(b.Min[1]), a.add(b.Max[0]), a.add(b.Max[1])}
}

// AreaShapes returns the id, code, name and geometry of the areas of a set
// whose bounding box meets q.BBox and spans at least q.MinSpan, in no
// order: what a tile needs. Past q.Limit, the largest are kept.
func (db *DB) AreaShapes(ctx context.Context, set string, q ShapeQuery) ([]place.Area, error) {
	var out []place.Area
	err := db.EachAreaShape(ctx, set, q, func(a place.Area) error {
		out = append(out, a)
		return nil
	}, func() { out = out[:0] })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EachAreaShape hands yield the areas AreaShapes returns, in its order, as
// the store reads them: the caller can draw one while the next is read (on
// PostgreSQL, while the server still runs the query). Each area is the
// caller's to keep. When the first read finds more than q.Limit areas,
// restart is called and the largest are yielded again from a second read:
// what came before restart is not the answer. An error from yield stops
// the read and is returned, as is the context's when it ends first.
func (db *DB) EachAreaShape(ctx context.Context, set string, q ShapeQuery, yield func(place.Area) error, restart func()) error {
	limit, _ := Page(q.Limit, 0)
	anyOrder, sorted := db.q.areaShapesAny, db.q.areaShapes
	var band []any
	if top, ok := BandFor(q.Zoom); ok && q.Generalised {
		anyOrder, sorted, band = db.q.bandShapesAny, db.q.bandShapes, []any{top}
	}
	// Most tiles hold fewer areas than the limit: read them unsorted (a
	// sort copies every geometry), and sort only when there are more.
	n, err := db.eachAreaShape(ctx, anyOrder, set, q, limit+1, band, func(i int, a place.Area) error {
		if i == limit {
			return errTooMany
		}
		return yield(a)
	})
	if errors.Is(err, errTooMany) {
		restart()
		n, err = db.eachAreaShape(ctx, sorted, set, q, limit, band, func(_ int, a place.Area) error { return yield(a) })
	}
	if err != nil {
		return err
	}
	return db.setExists(ctx, set, n)
}

// errTooMany stops EachAreaShape's first read at the area past the limit.
var errTooMany = errors.New("more areas than the limit")

// eachAreaShape runs one of EachAreaShape's queries, handing each area and
// its index to yield, and returns how many it handed.
// band is the band's parameter for a query of bandShapes, else empty.
func (db *DB) eachAreaShape(ctx context.Context, query, set string, q ShapeQuery, limit int, band []any, yield func(int, place.Area) error) (int, error) {
	b := q.BBox
	rows, err := db.d.Conns.Reads().Query(ctx, query, append([]any{b.Min[0], b.Min[1], b.Max[0], b.Max[1], set, q.MinSpan, limit}, band...)...)
	if err != nil {
		return 0, fmt.Errorf("areas of %s: %w", set, err)
	}
	defer rows.Close()
	var id int64
	var code, name string
	var blob []byte
	dest := []any{&id, &code, &name, &blob} // one list for every row
	n := 0
	for ; rows.Next(); n++ {
		// A cancelled read stops here on every store, rows already
		// received or not.
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if err := rows.Scan(dest...); err != nil {
			return n, fmt.Errorf("areas of %s: %w", set, err)
		}
		mp, err := db.multiPolygon(blob)
		if err != nil {
			return n, fmt.Errorf("areas of %s: area %s: %w", set, code, err)
		}
		if err := yield(n, place.Area{ID: id, Set: set, Code: code, Name: name, Geometry: mp}); err != nil {
			return n, err
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("areas of %s: %w", set, err)
	}
	return n, nil
}

// Area returns one area; ENOTFOUND.
func (db *DB) Area(ctx context.Context, set, code string) (place.Area, error) {
	a, err := db.scanArea(db.d.Conns.Reads().QueryRow(ctx, `SELECT `+db.q.areaColumns+` FROM areas a WHERE a.set_slug = $1 AND a.code = $2`, set, code))
	if noRows(err) {
		if err := db.setExists(ctx, set, 0); err != nil {
			return a, err
		}
		return a, place.Errorf(place.ENOTFOUND, "no area %q in boundary set %q", code, set)
	}
	if err != nil {
		return a, fmt.Errorf("area %s/%s: %w", set, code, err)
	}
	return a, nil
}

// AreaCode returns the code of the area of a set with a tile feature id
// (place.Area.ID); ENOTFOUND.
func (db *DB) AreaCode(ctx context.Context, set string, id int64) (string, error) {
	var code string
	err := db.d.Conns.Reads().QueryRow(ctx, `SELECT code FROM areas WHERE set_slug = $1 AND fid = $2`, set, id).Scan(&code)
	if noRows(err) {
		return "", place.Errorf(place.ENOTFOUND, "no area with feature id %d in boundary set %q", id, set)
	}
	if err != nil {
		return "", fmt.Errorf("area %d of %s: %w", id, set, err)
	}
	return code, nil
}

// AreaVersion reads an area's version; ENOTFOUND.
func (db *DB) AreaVersion(ctx context.Context, set, code string) (int64, error) {
	var v int64
	err := db.d.Conns.Reads().QueryRow(ctx, `SELECT version FROM areas WHERE set_slug = $1 AND code = $2`, set, code).Scan(&v)
	if noRows(err) {
		return 0, place.Errorf(place.ENOTFOUND, "no area %q in boundary set %q", code, set)
	}
	return v, err
}
