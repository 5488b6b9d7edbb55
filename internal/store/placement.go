package store

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
)

// placeAssets records, for each asset of ids, the area of every set (or
// of set alone, when not "") that holds it, by place.Locate among the
// areas whose bounding box holds the asset's location. It says how many
// memberships it recorded.
func placeAssets(ctx context.Context, tx *Tx, ids []string, set string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	list, err := tx.d.SQL.List(ids)
	if err != nil {
		return 0, err
	}
	from, where := tx.d.Index.AssetAreaPairs()
	rows, err := tx.Query(ctx, `SELECT a.id, `+tx.d.SQL.LocationOut("a")+`, ar.set_slug, ar.code, ar.name, ar.fid FROM `+from+
		` WHERE `+where+` AND `+tx.d.SQL.InList("a.id", "$1")+` AND ($2 = '' OR ar.set_slug = $2) ORDER BY a.fid, ar.fid`, list, set)
	type candidate struct {
		areaCandidate
		fid int64
	}
	cands, err := collect(rows, err, func(r Row) (candidate, error) {
		var c candidate
		err := r.Scan(&c.asset, &c.pt[0], &c.pt[1], &c.set, &c.c.Code, &c.c.Name, &c.fid)
		return c, err
	})
	if err != nil {
		return 0, fmt.Errorf("place assets: %w", err)
	}
	fids := make([]int64, 0, len(cands))
	seen := map[int64]bool{}
	for _, c := range cands {
		if !seen[c.fid] {
			seen[c.fid] = true
			fids = append(fids, c.fid)
		}
	}
	// Each candidate area's geometry is read once, however many assets it holds.
	shapes, err := areaShapesByFID(ctx, tx, fids)
	if err != nil {
		return 0, err
	}
	located := make([]areaCandidate, len(cands))
	for i, c := range cands {
		c.c.Geometry = shapes[c.fid]
		located[i] = c.areaCandidate
	}
	ms := locateAll(located)
	return len(ms), recordMemberships(ctx, tx, ms)
}

// areaCandidate is an area of a set whose bounding box holds an asset's
// location.
type areaCandidate struct {
	asset, set string
	pt         orb.Point
	c          place.Candidate
}

// locateAll places each asset in at most one area of each set among its
// candidates, by place.Locate: the memberships in the order each asset and
// set first appear in cands (the candidates of one asset and set in the
// order place.Locate is to weigh them).
func locateAll(cands []areaCandidate) []membership {
	type key struct{ id, set string }
	var order []key
	pts := map[key]orb.Point{}
	byKey := map[key][]place.Candidate{}
	for _, c := range cands {
		k := key{c.asset, c.set}
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
			pts[k] = c.pt
		}
		byKey[k] = append(byKey[k], c.c)
	}
	var ms []membership
	for _, k := range order {
		if c, ok := place.Locate(pts[k], byKey[k]); ok {
			ms = append(ms, membership{k.id, k.set, c.Code, pts[k]})
		}
	}
	return ms
}

// areaShapesByFID reads the geometries of the areas with the feature ids.
func areaShapesByFID(ctx context.Context, tx *Tx, fids []int64) (map[int64]orb.MultiPolygon, error) {
	shapes := make(map[int64]orb.MultiPolygon, len(fids))
	if len(fids) == 0 {
		return shapes, nil
	}
	list, err := tx.d.SQL.List(fids)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT fid, `+tx.d.Geometry.Out("geom")+` FROM areas WHERE `+tx.d.SQL.InList("fid", "$1"), list)
	if err != nil {
		return nil, fmt.Errorf("place assets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var fid int64
		var blob []byte
		if err := rows.Scan(&fid, &blob); err != nil {
			return nil, fmt.Errorf("place assets: %w", err)
		}
		g, err := tx.d.Geometry.Decode(blob)
		if err != nil {
			return nil, fmt.Errorf("area %d: %w", fid, err)
		}
		shapes[fid], _ = g.(orb.MultiPolygon)
	}
	return shapes, rows.Err()
}

// membership is an asset placed in an area of a set, at its location.
type membership struct {
	assetID, set, code string
	pt                 orb.Point
}

// recordMemberships writes memberships, replacing any the assets had in
// those sets.
func recordMemberships(ctx context.Context, tx *Tx, ms []membership) error {
	batch := make([][]any, len(ms))
	for i, m := range ms {
		pt, err := tx.d.Geometry.Encode(m.pt)
		if err != nil {
			return err
		}
		batch[i] = []any{pt, m.assetID, m.set, m.code}
	}
	if err := tx.ExecBatch(ctx, fmt.Sprintf(sqlMembershipUpsert, tx.d.Geometry.In("$1")), batch); err != nil {
		return fmt.Errorf("record memberships: %w", err)
	}
	return nil
}

// placeAgain places again, in set, the assets whose location lies in b:
// after an area of the set changed there.
func placeAgain(ctx context.Context, tx *Tx, set string, b orb.Bound) error {
	var a args
	from, where := tx.d.Index.BoxFrom("assets", "a", boxArgs(&a, b))
	rows, err := tx.Query(ctx, `SELECT a.id, `+tx.d.SQL.LocationOut("a")+` FROM `+from+` WHERE `+where, a...)
	ids, err := collect(rows, err, func(r Row) (string, error) {
		var id string
		var pt orb.Point
		if err := r.Scan(&id, &pt[0], &pt[1]); err != nil {
			return "", err
		}
		if !b.Contains(pt) {
			return "", nil
		}
		return id, nil
	})
	if err != nil {
		return fmt.Errorf("assets to place again in %s: %w", set, err)
	}
	var in []string
	for _, id := range ids {
		if id != "" {
			in = append(in, id)
		}
	}
	if len(in) == 0 {
		return nil
	}
	list, err := tx.d.SQL.List(in)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM memberships WHERE set_slug = $1 AND `+tx.d.SQL.InList("asset_id", "$2"), set, list); err != nil {
		return fmt.Errorf("place again in %s: %w", set, err)
	}
	_, err = placeAssets(ctx, tx, in, set)
	return err
}
