package store

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
)

// ImportSet writes a new boundary set with its areas and places every
// asset in it. ECONFLICT if the slug is taken or two areas share a code;
// EINVALID if the set or an area breaks a rule.
func (db *DB) ImportSet(ctx context.Context, set place.BoundarySet, areas []place.Area) (ImportReport, error) {
	return db.importSet(ctx, set, areas, nil)
}

// ImportRelease is ImportSet for a release of a series: in the same
// transaction it records the set in the series (made if new), stores the
// successor links into it and, if current (or the first), makes it the
// series' current release. ENOTFOUND if a link starts at an area that does
// not exist; EINVALID if it starts in a set of another series or ends at
// an area the set lacks.
func (db *DB) ImportRelease(ctx context.Context, set place.BoundarySet, areas []place.Area, r place.Release) (ImportReport, error) {
	if err := place.CheckRelease(set.Slug, r); err != nil {
		return ImportReport{}, err
	}
	return db.importSet(ctx, set, areas, &r)
}

func (db *DB) importSet(ctx context.Context, set place.BoundarySet, areas []place.Area, release *place.Release) (ImportReport, error) {
	if err := place.CheckSet(&set, areas); err != nil {
		return ImportReport{}, err
	}
	var rep ImportReport
	err := db.write(ctx, func(tx *Tx) error {
		var err error
		rep, err = importSetIn(ctx, tx, set, areas, release)
		return err
	})
	if err != nil {
		return ImportReport{}, err
	}
	return rep, nil
}

// importSetIn is ImportSet (release nil) or ImportRelease in tx, for
// workflows that import a set beside writes of their own (a set
// proposal's publish); set and areas have passed place.CheckSet, outside
// the transaction (checking every area is slow: writers wait meanwhile).
func importSetIn(ctx context.Context, tx *Tx, set place.BoundarySet, areas []place.Area, release *place.Release) (ImportReport, error) {
	var rep ImportReport
	bound := areas[0].Geometry.Bound()
	for i := range areas {
		areas[i].Set = set.Slug
		bound = bound.Union(areas[i].Geometry.Bound())
	}
	if set.CreatedAt.IsZero() {
		set.CreatedAt = tx.now
	}
	if err := insertSet(ctx, tx, set, bound, len(areas)); err != nil {
		return rep, err
	}
	if err := insertAreas(ctx, tx, set.Slug, areas); err != nil {
		return rep, err
	}
	rep.Areas = len(areas)
	n, err := placeAllIn(ctx, tx, set.Slug, areas)
	if err != nil {
		return rep, err
	}
	rep.Memberships = n
	if err := addRevision(ctx, tx, "boundary_set", set.Slug, "import", map[string]any{"set": set, "area_count": len(areas)}); err != nil {
		return rep, err
	}
	if release == nil {
		return rep, nil
	}
	if err := place.CheckRelease(set.Slug, *release); err != nil {
		return rep, err
	}
	return rep, saveRelease(ctx, tx, set.Slug, *release)
}

// insertSet writes a new set's row; ECONFLICT if the slug is taken.
func insertSet(ctx context.Context, tx *Tx, set place.BoundarySet, bound orb.Bound, areas int) error {
	var exists bool
	if err := tx.QueryRow(ctx, sqlSetExists, set.Slug).Scan(&exists); err != nil {
		return fmt.Errorf("check set %s: %w", set.Slug, err)
	}
	if exists {
		return place.Errorf(place.ECONFLICT, "boundary set %q exists already", set.Slug)
	}
	extent, err := tx.d.Geometry.Encode(bound.ToPolygon())
	if err != nil {
		return err
	}
	provenance, err := EncodeProvenance(set.Provenance)
	if err != nil {
		return err
	}
	tx.tiles(SetTiles(set.Slug))
	_, err = tx.Exec(ctx, `INSERT INTO boundary_sets
		(extent, slug, title, kind, publisher, release_date, licence, attribution, source, description, area_count, created_at, code_field, name_field, provenance)
		VALUES (`+tx.d.Geometry.In("$1")+`, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		extent, set.Slug, set.Title, string(set.Kind), set.Publisher, set.ReleaseDate, set.Licence,
		set.Attribution, set.Source, set.Description, areas, dbTime(set.CreatedAt), set.CodeField, set.NameField, provenance)
	if err != nil {
		return fmt.Errorf("insert set %s: %w", set.Slug, err)
	}
	return nil
}

// insertAreas writes a new set's areas in one batch.
func insertAreas(ctx context.Context, tx *Tx, set string, areas []place.Area) error {
	batch := make([][]any, len(areas))
	for i, a := range areas {
		g, props, err := encodeArea(tx, a)
		if err != nil {
			return fmt.Errorf("area %d (%s): %w", i, a.Code, err)
		}
		batch[i] = []any{g, set, a.Code, a.Name, props}
	}
	tx.tiles(SetTiles(set))
	query := `INSERT INTO areas (geom, set_slug, code, name, properties) VALUES (` + tx.d.Geometry.In("$1") + `, $2, $3, $4, $5)`
	if err := tx.ExecBatch(ctx, query, batch); err != nil {
		return fmt.Errorf("insert areas of %s: %w", set, err)
	}
	return putSetBands(ctx, tx, set, areas)
}

// putSetBands writes the bands of a new set's areas, in memory.
func putSetBands(ctx context.Context, tx *Tx, set string, areas []place.Area) error {
	fids := make(map[string]int64, len(areas))
	rows, err := tx.Query(ctx, `SELECT fid, code FROM areas WHERE set_slug = $1`, set)
	if err != nil {
		return fmt.Errorf("areas of %s: %w", set, err)
	}
	for rows.Next() {
		var fid int64
		var code string
		if err := rows.Scan(&fid, &code); err != nil {
			rows.Close()
			return fmt.Errorf("areas of %s: %w", set, err)
		}
		fids[code] = fid
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("areas of %s: %w", set, err)
	}
	banded := make([]bandedArea, len(areas))
	for i, a := range areas {
		banded[i] = bandedArea{fid: fids[a.Code], geom: a.Geometry}
	}
	return putBands(ctx, tx, banded, false)
}

// placeAllIn places every asset in a new set, whose areas are in memory:
// the database pairs assets with candidate areas by bounding box, and
// place.Locate decides among them as it does everywhere.
func placeAllIn(ctx context.Context, tx *Tx, set string, areas []place.Area) (int, error) {
	byCode := make(map[string]place.Candidate, len(areas))
	for _, a := range areas {
		byCode[a.Code] = place.Candidate{Code: a.Code, Name: a.Name, Geometry: a.Geometry}
	}
	from, where := tx.d.Index.AssetAreaPairs()
	rows, err := tx.Query(ctx, `SELECT a.id, `+tx.d.SQL.LocationOut("a")+`, ar.code FROM `+from+
		` WHERE `+where+` AND ar.set_slug = $1 ORDER BY a.fid, ar.code`+tx.d.SQL.Binary(), set)
	type pair struct {
		id   string
		pt   orb.Point
		code string
	}
	pairs, err := collect(rows, err, func(r Row) (pair, error) {
		var p pair
		err := r.Scan(&p.id, &p.pt[0], &p.pt[1], &p.code)
		return p, err
	})
	if err != nil {
		return 0, fmt.Errorf("place assets in %s: %w", set, err)
	}
	var ms []membership
	for i := 0; i < len(pairs); {
		j, cands := i, []place.Candidate(nil)
		for ; j < len(pairs) && pairs[j].id == pairs[i].id; j++ {
			cands = append(cands, byCode[pairs[j].code])
		}
		if c, ok := place.Locate(pairs[i].pt, cands); ok {
			ms = append(ms, membership{pairs[i].id, set, c.Code, pairs[i].pt})
		}
		i = j
	}
	return len(ms), recordMemberships(ctx, tx, ms)
}
