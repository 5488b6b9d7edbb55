package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/postcode"
	"github.com/placemap/placemap/internal/search"
)

// Postcode is one stored postcode.
type Postcode struct {
	Postcode   string    // normalised, "S8 0AB"
	Point      orb.Point // WGS84
	Terminated string    // "YYYY-MM" when no longer in use; "" when live
	UserType   int       // 0 small user, 1 large user, -1 not given
}

// PostcodeInfo says where the stored postcodes came from.
type PostcodeInfo struct {
	Source     string // the file's name, or what --source said
	Licence    string
	Layout     string // onspd, codepoint or plain
	ImportedAt time.Time
	Count      int // postcodes stored
	Terminated int // of them, terminated
	NI         int // of them, Northern Ireland (BT) postcodes
	Note       string
}

// PostcodeArea is the area of one boundary set a postcode lies in.
type PostcodeArea struct {
	Set  string `json:"set"`
	Code string `json:"code"`
	Name string `json:"name"`
	// Current: the set is in no series, or is its series' current release
	// (an older release's area is listed too, as assets' memberships are).
	Current bool `json:"current"`
}

// postcodeRowsPerStatement is how many postcodes one INSERT carries: few
// round trips and statements, well under SQLite's 32766 parameters.
const postcodeRowsPerStatement = 200

// PostcodeWriter adds postcodes to the set an import is replacing, inside
// its transaction, in batches: memory stays flat in the file's size.
type PostcodeWriter struct {
	ctx        context.Context
	tx         *Tx
	insert     string
	pending    []any
	statements [][]any
	copier     RowCopier // the dialect's COPY, when it has one
	rows       [][]any   // held for it
	count      int
	terminated int
}

// ReplacePostcodes replaces every stored postcode, and the info on where
// they came from, with what fill writes, in one transaction: if fill (or a
// write) fails, the previous postcodes stay as they were. fill returns the
// info to record; its counts are filled in here.
func (db *DB) ReplacePostcodes(ctx context.Context, fill func(w *PostcodeWriter) (PostcodeInfo, error)) (PostcodeInfo, error) {
	var info PostcodeInfo
	err := db.writeBulk(ctx, func(tx *Tx) error {
		tx.tiles() // its own statements write no tile layer's data; the helpers that do name their layers
		for _, t := range []string{"postcodes", "postcode_info"} {
			if _, err := tx.Exec(ctx, "DELETE FROM "+t); err != nil {
				return fmt.Errorf("clear %s: %w", t, err)
			}
		}
		values := make([]string, postcodeRowsPerStatement)
		for i := range values {
			n := i * 6
			values[i] = fmt.Sprintf("($%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6)
		}
		w := &PostcodeWriter{ctx: ctx, tx: tx, insert: `INSERT INTO postcodes (` + strings.Join(postcodeColumns, ", ") + `) VALUES ` + strings.Join(values, ", ")}
		w.copier, _ = tx.TxConn.(RowCopier)
		var err error
		if info, err = fill(w); err != nil {
			return err
		}
		if err := w.flush(true); err != nil {
			return err
		}
		info.Count, info.Terminated = w.count, w.terminated
		if info.ImportedAt.IsZero() {
			info.ImportedAt = tx.now
		}
		_, err = tx.Exec(ctx, `INSERT INTO postcode_info (id, source, licence, layout, imported_at, count, terminated, ni_count, note)
			VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8)`, info.Source, info.Licence, info.Layout, dbTime(info.ImportedAt), info.Count, info.Terminated, info.NI, info.Note)
		if err != nil {
			return fmt.Errorf("write postcode info: %w", err)
		}
		return nil
	})
	return info, err
}

// Add writes a postcode; a postcode written twice is ECONFLICT.
func (w *PostcodeWriter) Add(p Postcode) error {
	out, _, _ := strings.Cut(p.Postcode, " ")
	var term, ut any
	if p.Terminated != "" {
		term = p.Terminated
		w.terminated++
	}
	if p.UserType >= 0 {
		ut = p.UserType
	}
	w.count++
	if w.copier != nil {
		w.rows = append(w.rows, []any{p.Postcode, out, p.Point[0], p.Point[1], term, ut})
		if len(w.rows) >= 5000 {
			return w.flush(false)
		}
		return nil
	}
	w.pending = append(w.pending, p.Postcode, out, p.Point[0], p.Point[1], term, ut)
	if len(w.pending) == 6*postcodeRowsPerStatement {
		w.statements = append(w.statements, w.pending)
		w.pending = make([]any, 0, 6*postcodeRowsPerStatement)
		if len(w.statements) >= 25 {
			return w.flush(false)
		}
	}
	return nil
}

// postcodeColumns are the columns Add fills, in order.
var postcodeColumns = []string{"postcode", "outward", "lon", "lat", "terminated", "usertype"}

// flush writes the rows held: by COPY where the dialect has it; else the
// full statements, and with last the rows left over.
func (w *PostcodeWriter) flush(last bool) error {
	if w.copier != nil {
		if err := w.copier.CopyRows(w.ctx, "postcodes", postcodeColumns, w.rows); err != nil {
			return fmt.Errorf("write postcodes: %w", err)
		}
		w.rows = w.rows[:0]
		return nil
	}
	if err := w.tx.ExecBatch(w.ctx, w.insert, w.statements); err != nil {
		return fmt.Errorf("write postcodes: %w", err)
	}
	w.statements = w.statements[:0]
	if !last || len(w.pending) == 0 {
		return nil
	}
	n := len(w.pending) / 6
	values := make([]string, n)
	for i := range values {
		k := i * 6
		values[i] = fmt.Sprintf("($%d, $%d, $%d, $%d, $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6)
	}
	if _, err := w.tx.Exec(w.ctx, `INSERT INTO postcodes (`+strings.Join(postcodeColumns, ", ")+`) VALUES `+strings.Join(values, ", "), w.pending...); err != nil {
		return fmt.Errorf("write postcodes: %w", err)
	}
	w.pending = w.pending[:0]
	return nil
}

// PostcodeInfo says where the stored postcodes came from; ENOTFOUND when
// none were imported.
func (db *DB) PostcodeInfo(ctx context.Context) (PostcodeInfo, error) {
	var info PostcodeInfo
	err := db.d.Conns.Reads().QueryRow(ctx, `SELECT source, licence, layout, imported_at, count, terminated, ni_count, note FROM postcode_info WHERE id = 1`).
		Scan(&info.Source, &info.Licence, &info.Layout, timeScan{&info.ImportedAt}, &info.Count, &info.Terminated, &info.NI, &info.Note)
	if noRows(err) {
		return info, place.Errorf(place.ENOTFOUND, "no postcodes: import a file with placemap import postcodes FILE.csv")
	}
	if err != nil {
		return info, fmt.Errorf("read postcode info: %w", err)
	}
	return info, nil
}

// Postcode returns the stored postcode pc (normalised); ENOTFOUND if none.
func (db *DB) Postcode(ctx context.Context, pc string) (Postcode, error) {
	p := Postcode{Postcode: pc, UserType: -1}
	var term *string
	var ut *int
	err := db.d.Conns.Reads().QueryRow(ctx, `SELECT lon, lat, terminated, usertype FROM postcodes WHERE postcode = $1`, pc).
		Scan(&p.Point[0], &p.Point[1], &term, &ut)
	if noRows(err) {
		return p, place.Errorf(place.ENOTFOUND, "postcode %s: not in the postcodes imported", pc)
	}
	if err != nil {
		return p, fmt.Errorf("read postcode %s: %w", pc, err)
	}
	if term != nil {
		p.Terminated = *term
	}
	if ut != nil {
		p.UserType = *ut
	}
	return p, nil
}

// PostcodeGroup is the live postcodes of an outward code or sector.
type PostcodeGroup struct {
	Count    int
	Centroid orb.Point // the mean of their points
	BBox     orb.Bound
}

// PostcodesWithPrefix returns up to limit live postcodes beginning with
// prefix in the outward code out, by postcode, and the count, centroid
// and bounding box of all of them.
func (db *DB) PostcodesWithPrefix(ctx context.Context, out, prefix string, limit int) ([]Postcode, PostcodeGroup, error) {
	var g PostcodeGroup
	var e [6]*float64
	err := db.d.Conns.Reads().QueryRow(ctx, `SELECT count(*), min(lon), min(lat), max(lon), max(lat), avg(lon), avg(lat) FROM postcodes
		WHERE outward = $1 AND substr(postcode, 1, $2) = $3 AND terminated IS NULL`, out, len(prefix), prefix).Scan(&g.Count, &e[0], &e[1], &e[2], &e[3], &e[4], &e[5])
	if err != nil {
		return nil, g, fmt.Errorf("postcodes %q: %w", prefix, err)
	}
	if g.Count == 0 {
		return nil, g, nil
	}
	g.BBox = orb.Bound{Min: orb.Point{*e[0], *e[1]}, Max: orb.Point{*e[2], *e[3]}}
	g.Centroid = orb.Point{*e[4], *e[5]}
	rows, err := db.d.Conns.Reads().Query(ctx, `SELECT postcode, lon, lat FROM postcodes
		WHERE outward = $1 AND substr(postcode, 1, $2) = $3 AND terminated IS NULL ORDER BY postcode LIMIT $4`, out, len(prefix), prefix, limit)
	pcs, err := collect(rows, err, func(r Row) (Postcode, error) {
		p := Postcode{UserType: -1}
		err := r.Scan(&p.Postcode, &p.Point[0], &p.Point[1])
		return p, err
	})
	if err != nil {
		return nil, g, fmt.Errorf("postcodes %q: %w", prefix, err)
	}
	return pcs, g, nil
}

// AreasAt returns the area of every boundary set holding pt, by the
// placement rule of assets (place.Locate), in the sets' order, each saying
// whether its set is current (in no series, or its series' current
// release).
func (db *DB) AreasAt(ctx context.Context, pt orb.Point) ([]PostcodeArea, error) {
	var a args
	from, where := db.d.Index.BoxFrom("areas", "ar", boxArgs(&a, orb.Bound{Min: pt, Max: pt}))
	rows, err := db.d.Conns.Reads().Query(ctx, `SELECT ar.set_slug, ar.code, ar.name, `+db.d.Geometry.Out("ar.geom")+`,
		CASE WHEN EXISTS (SELECT 1 FROM set_releases r JOIN series x ON x.slug = r.series
			WHERE r.set_slug = ar.set_slug AND x.current_set <> ar.set_slug) THEN 0 ELSE 1 END FROM `+from+
		` JOIN boundary_sets bs ON bs.slug = ar.set_slug WHERE `+where+` ORDER BY bs.fid, ar.fid`, a...)
	type cand struct {
		set     string
		current bool
		c       place.Candidate
	}
	cands, err := collect(rows, err, func(r Row) (cand, error) {
		var c cand
		var blob []byte
		var current int64
		if err := r.Scan(&c.set, &c.c.Code, &c.c.Name, &blob, &current); err != nil {
			return c, err
		}
		c.current = current == 1
		g, err := db.d.Geometry.Decode(blob)
		c.c.Geometry, _ = g.(orb.MultiPolygon)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("areas at %v: %w", pt, err)
	}
	var order []string
	bySet := map[string][]place.Candidate{}
	current := map[string]bool{}
	for _, c := range cands {
		if _, ok := bySet[c.set]; !ok {
			order = append(order, c.set)
		}
		bySet[c.set] = append(bySet[c.set], c.c)
		current[c.set] = c.current
	}
	out := []PostcodeArea{}
	for _, s := range order {
		if c, ok := place.Locate(pt, bySet[s]); ok {
			out = append(out, PostcodeArea{Set: s, Code: c.Code, Name: c.Name, Current: current[s]})
		}
	}
	return out, nil
}

// postcodeCandidates are the postcodes search finds for q: a whole
// postcode (live or terminated); or, for an outward code or sector ("S8",
// "S8 0"), that code standing for its live postcodes (their centroid and
// extent) and the first of them.
func (db *DB) postcodeCandidates(ctx context.Context, q search.Query) ([]search.Candidate, error) {
	pq, ok := postcode.ParseQuery(q.Text)
	if !ok {
		return nil, nil
	}
	if pq.Full != "" {
		p, err := db.Postcode(ctx, pq.Full)
		if place.ErrorCode(err) == place.ENOTFOUND {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		c := search.Candidate{Kind: search.Postcode, ID: p.Postcode, Name: p.Postcode, Point: &p.Point}
		if p.Terminated != "" {
			c.Class = "terminated " + p.Terminated
		}
		return []search.Candidate{c}, nil
	}
	pcs, g, err := db.PostcodesWithPrefix(ctx, pq.Outward, pq.Prefix, q.Limit)
	if err != nil || g.Count == 0 {
		return nil, err
	}
	name := strings.TrimSpace(pq.Prefix)
	out := []search.Candidate{{Kind: search.Postcode, ID: name, Name: name, Class: fmt.Sprintf("%d postcodes", g.Count), Point: &g.Centroid, BBox: &g.BBox}}
	for i := range pcs {
		out = append(out, search.Candidate{Kind: search.Postcode, ID: pcs[i].Postcode, Name: pcs[i].Postcode, Point: &pcs[i].Point})
	}
	return out, nil
}
