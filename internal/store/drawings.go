package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// Residents' drawings of places: evidence, kept apart from the boundary
// sets. A drawing comes from an area suggestion (pending until a moderator
// publishes it), or from a file (published as imported); it never keeps
// who drew it.

// DrawingQuery selects one page of a place's published drawings, oldest
// first; All takes every one, unpaged (the agreement surface).
type DrawingQuery struct {
	Place  string
	Limit  int // 0 means MaxPage
	Offset int
	All    bool
}

// DrawingPage is one page of drawings and how many match in all.
type DrawingPage struct {
	Drawings []place.Drawing
	Matched  int
}

const sqlDrawingColumns = `id, place_slug, name, answers, source, status, key_hash, created_at, updated_at, `

func (db *DB) drawingColumns() string { return sqlDrawingColumns + db.d.Geometry.Out("geom") }

func (db *DB) scanDrawing(r Row) (place.Drawing, error) {
	var d place.Drawing
	var answers string
	var blob []byte
	if err := r.Scan(&d.ID, &d.Place, &d.Name, &answers, &d.Source, &d.Status, &d.KeyHash,
		timeScan{&d.CreatedAt}, timeScan{&d.UpdatedAt}, &blob); err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(answers), &d.Answers); err != nil {
		return d, fmt.Errorf("drawing %s: answers: %w", d.ID, err)
	}
	g, err := db.d.Geometry.Decode(blob)
	if err != nil {
		return d, fmt.Errorf("drawing %s: %w", d.ID, err)
	}
	d.Geometry, _ = g.(orb.MultiPolygon)
	return d, nil
}

// Drawing returns one drawing, whatever its state (its resident's view;
// the caller checks their key against KeyHash); ENOTFOUND.
func (db *DB) Drawing(ctx context.Context, id string) (place.Drawing, error) {
	d, err := db.scanDrawing(db.d.Conns.Reads().QueryRow(ctx, `SELECT `+db.drawingColumns()+` FROM drawings WHERE id = $1`, id))
	if noRows(err) {
		return d, place.Errorf(place.ENOTFOUND, "no drawing %q", id)
	}
	if err != nil {
		return d, fmt.Errorf("drawing %s: %w", id, err)
	}
	return d, nil
}

// Drawings lists one page of the published drawings of a place, oldest
// first, with how many there are; ENOTFOUND for no such place.
func (db *DB) Drawings(ctx context.Context, q DrawingQuery) (DrawingPage, error) {
	page := DrawingPage{Drawings: []place.Drawing{}}
	if _, err := db.Place(ctx, q.Place); err != nil {
		return page, err
	}
	where := ` FROM drawings WHERE place_slug = $1 AND status = 'published'`
	if err := db.d.Conns.Reads().QueryRow(ctx, `SELECT count(*)`+where, q.Place).Scan(&page.Matched); err != nil {
		return page, fmt.Errorf("count drawings of %s: %w", q.Place, err)
	}
	a := args{q.Place}
	query := `SELECT ` + db.drawingColumns() + where + ` ORDER BY fid`
	if !q.All {
		limit, offset := Page(q.Limit, q.Offset)
		query += ` LIMIT ` + a.add(limit) + ` OFFSET ` + a.add(offset)
	}
	rows, err := db.d.Conns.Reads().Query(ctx, query, a...)
	out, err := collect(rows, err, db.scanDrawing)
	if err != nil {
		return page, fmt.Errorf("drawings of %s: %w", q.Place, err)
	}
	page.Drawings = append(page.Drawings, out...)
	return page, nil
}

// DrawingsVersion names the state of a place's published drawings: it
// changes whenever one is published, changed or withdrawn, so what is
// computed from them may be kept under it.
func (db *DB) DrawingsVersion(ctx context.Context, placeSlug string) (string, error) {
	var n int
	var last, first string
	err := db.d.Conns.Reads().QueryRow(ctx, `SELECT count(*), CAST(COALESCE(max(fid), 0) AS TEXT), COALESCE(CAST(max(updated_at) AS TEXT), '')
		FROM drawings WHERE place_slug = $1 AND status = 'published'`, placeSlug).Scan(&n, &first, &last)
	if err != nil {
		return "", fmt.Errorf("drawings of %s: %w", placeSlug, err)
	}
	return fmt.Sprintf("%d/%s/%s", n, first, last), nil
}

// insertDrawing adds a drawing, its fields checked, in a transaction.
func insertDrawing(ctx context.Context, tx *Tx, d place.Drawing) error {
	if err := checkDrawing(d); err != nil {
		return err
	}
	g, answers, err := encodeDrawing(tx, d)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO drawings (geom, id, place_slug, name, answers, source, status, key_hash, created_at, updated_at)
		VALUES (`+tx.d.Geometry.In("$1")+`, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
		g, d.ID, d.Place, d.Name, answers, d.Source, d.Status, d.KeyHash, dbTime(tx.now))
	if err != nil {
		return fmt.Errorf("add drawing %s: %w", d.ID, err)
	}
	return nil
}

// checkDrawing checks a drawing's fields and, with the geometry engine,
// its outline.
func checkDrawing(d place.Drawing) error {
	if err := place.CheckDrawing(d); err != nil {
		return err
	}
	return checkOutline(d.Geometry)
}

// checkOutline checks with the geometry engine that a drawn outline is
// valid enough to overlay.
func checkOutline(mp orb.MultiPolygon) error {
	if _, err := geo.NewShape(mp); err != nil {
		return place.Errorf(place.EINVALID, "the drawing's outline: %v", err)
	}
	return nil
}

func encodeDrawing(tx *Tx, d place.Drawing) (geom []byte, answers string, err error) {
	if geom, err = tx.d.Geometry.Encode(d.Geometry); err != nil {
		return nil, "", err
	}
	list := d.Answers
	if list == nil {
		list = []place.Answer{}
	}
	b, err := json.Marshal(list)
	return geom, string(b), err
}

// publishDrawing writes what an accepted area suggestion proposes to its
// drawing, published in the place named: the decision's, else the
// suggestion's, else the drawing's own. EINVALID when none names one, or
// the place named does not exist. A suggestion recorded before drawings
// were kept (no drawing id) makes its drawing now, with no private key.
func publishDrawing(ctx context.Context, tx *Tx, sg place.Suggestion, d place.SuggestionDecision) error {
	if sg.Drawing == "" {
		// Sent before drawings were kept apart: its drawing is made now.
		sg.Drawing = sg.ID
		if err := insertDrawing(ctx, tx, place.SuggestedDrawing(&sg)); err != nil {
			return err
		}
	}
	var current string
	err := tx.QueryRow(ctx, `SELECT place_slug FROM drawings WHERE id = $1`, sg.Drawing).Scan(&current)
	if noRows(err) {
		return place.Errorf(place.ENOTFOUND, "drawing %s of suggestion %s is gone", sg.Drawing, sg.ID)
	}
	if err != nil {
		return fmt.Errorf("drawing %s: %w", sg.Drawing, err)
	}
	in := firstOf(d.Place, sg.Place, current)
	if in == "" {
		return place.Errorf(place.EINVALID, "name the place this drawing is of: accept with {\"place\":\"SLUG\"}")
	}
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM places WHERE slug = $1)`, in).Scan(&exists); err != nil {
		return fmt.Errorf("place %s: %w", in, err)
	}
	if !exists {
		return place.Errorf(place.EINVALID, "place %q: no such place; name one that exists", in)
	}
	dr := place.SuggestedDrawing(&sg)
	dr.Place = in
	g, answers, err := encodeDrawing(tx, dr)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE drawings SET geom = `+tx.d.Geometry.In("$1")+`, place_slug = $2, name = $3, answers = $4,
		status = 'published', updated_at = $5 WHERE id = $6`, g, in, dr.Name, answers, dbTime(tx.now), sg.Drawing)
	if err != nil {
		return fmt.Errorf("publish drawing %s: %w", sg.Drawing, err)
	}
	return nil
}

// rejectDrawing leaves the drawing of a rejected suggestion unpublished:
// a new drawing is rejected; a published one stays as it was.
func rejectDrawing(ctx context.Context, tx *Tx, sg place.Suggestion) error {
	_, err := tx.Exec(ctx, `UPDATE drawings SET status = 'rejected', updated_at = $1 WHERE id = $2 AND status = 'pending'`,
		dbTime(tx.now), sg.Drawing)
	if err != nil {
		return fmt.Errorf("reject drawing %s: %w", sg.Drawing, err)
	}
	return nil
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// ImportDrawings adds drawings collected elsewhere to a place, published,
// all or none: ENOTFOUND for no such place, EINVALID naming the first bad
// drawing by its index. It returns how many it added.
func (db *DB) ImportDrawings(ctx context.Context, placeSlug string, ds []place.Drawing) (int, error) {
	if _, err := db.Place(ctx, placeSlug); err != nil {
		return 0, err
	}
	for i := range ds {
		ds[i].Place, ds[i].Status, ds[i].KeyHash = placeSlug, place.DrawingPublished, ""
		if err := checkDrawing(ds[i]); err != nil {
			return 0, place.Errorf(place.EINVALID, "drawing %d: %s", i, place.ErrorMessage(err))
		}
	}
	err := db.write(ctx, func(tx *Tx) error {
		tx.tiles() // its own statements write no tile layer's data; the helpers that do name their layers
		for i, d := range ds {
			if err := insertDrawing(ctx, tx, d); err != nil {
				return fmt.Errorf("drawing %d: %w", i, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(ds), nil
}

// AdoptConsensus writes an outline made from a place's drawings as an
// area of a community set, a new version of the area when its code is
// taken (else a new area), and links the place to it with note: one
// decision, one write. EINVALID for a set that is not community;
// ENOTFOUND for no such set or place. It returns the area's version.
func (db *DB) AdoptConsensus(ctx context.Context, a place.Area, placeSlug, note string) (int64, error) {
	if err := checkArea(a); err != nil {
		return 0, err
	}
	set, err := db.Set(ctx, a.Set)
	if err != nil {
		return 0, err
	}
	if set.Kind != place.Community {
		return 0, place.Errorf(place.EINVALID, "boundary set %s is %s: a consensus of residents' drawings is adopted into a community set", set.Slug, set.Kind)
	}
	if _, err := db.Place(ctx, placeSlug); err != nil {
		return 0, err
	}
	var version int64
	err = db.write(ctx, func(tx *Tx) error {
		tx.tiles() // its own statements write no tile layer's data; the helpers that do name their layers
		var current int64
		err := tx.QueryRow(ctx, `SELECT version FROM areas WHERE set_slug = $1 AND code = $2`, a.Set, a.Code).Scan(&current)
		switch {
		case noRows(err):
			version = 1
			err = addArea(ctx, tx, a)
		case err == nil:
			version, err = updateArea(ctx, tx, a, current) // a new version of the same area
		}
		if err != nil {
			return err
		}
		link := place.PlaceLink{Set: a.Set, Code: a.Code, Confirmed: true, Note: note}
		if _, err := tx.Exec(ctx, sqlInsertPlaceLink+` ON CONFLICT (place_slug, set_slug, area_code) DO UPDATE SET confirmed = excluded.confirmed, note = excluded.note`,
			placeSlug, link.Set, link.Code, link.Confirmed, link.Note, link.Review); err != nil {
			return fmt.Errorf("link place %s: %w", placeSlug, err)
		}
		return addRevision(ctx, tx, "place", placeSlug, "link", link)
	})
	return version, err
}
