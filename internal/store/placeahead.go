package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// Placing ahead: a small asset write (AddAssets, UpdateAsset) places its
// assets in every set's areas before it queues for its transaction, on the
// read pool, side by side with other writers, rather than inside the one
// transaction a store's writers take in turn (reading the candidate
// areas' shapes and place.Locate are most of such a write's own time).
// The placement is read together with the version of the sets' areas
// (areasVersion: the largest of the tile versions of every set and of
// AllTiles, which every write of areas or boundary_sets bumps, group.go)
// in one statement, so of one snapshot. Inside the transaction the write
// reads that version again: unchanged, no area of any set changed and no
// set came or went since, and the placement is what placing there would
// give; changed, the write places its assets there as it always did.

// sqlAreasVersion is the version of every set's areas: a write of areas
// or sets sets its set's key (or AllTiles) to its transaction's data
// version, larger than any before, and no key is ever removed.
const sqlAreasVersion = `SELECT COALESCE(max(version), 0) FROM tile_versions WHERE layer = '*' OR layer LIKE 'set:%'`

// placedAhead are the memberships of a write's assets, placed among the
// areas as they were at areasVersion version.
type placedAhead struct {
	version int64
	ms      []membership
}

// afterPlacingKey carries the function a write calls once it has placed
// its assets ahead, before it queues (WithAfterPlacing).
type afterPlacingKey struct{}

// WithAfterPlacing returns a context whose asset writes call fn after
// placing their assets ahead and before their transaction: tests use it
// to change areas in between.
func WithAfterPlacing(ctx context.Context, fn func()) context.Context {
	return context.WithValue(ctx, afterPlacingKey{}, fn)
}

// placeAhead places the assets in every set's areas as the read pool sees
// them now, with the version of the areas it saw.
func (db *DB) placeAhead(ctx context.Context, assets []place.Asset) (*placedAhead, error) {
	var a args
	var branches []string
	for i := range assets {
		pt := geo.PointOnSurface(assets[i].Geometry)
		from, where := db.d.Index.BoxFrom("areas", "ar", boxArgs(&a, orb.Bound{Min: pt, Max: pt}))
		branches = append(branches, `SELECT `+strconv.Itoa(i)+`, ar.fid, ar.set_slug, ar.code, ar.name, `+
			db.d.Geometry.Out("ar.geom")+`, 0 FROM `+from+` WHERE `+where)
	}
	rows, err := db.d.Conns.Reads().Query(ctx, `SELECT -1, 0, '', '', '', NULL, (`+sqlAreasVersion+`)
		UNION ALL `+strings.Join(branches, " UNION ALL "), a...)
	type row struct {
		i, fid  int64
		c       areaCandidate
		version int64
	}
	found, err := collect(rows, err, func(r Row) (row, error) {
		var c row
		var blob []byte
		if err := r.Scan(&c.i, &c.fid, &c.c.set, &c.c.c.Code, &c.c.c.Name, &blob, &c.version); err != nil || c.i < 0 {
			return c, err
		}
		g, err := db.d.Geometry.Decode(blob)
		if err != nil {
			return c, fmt.Errorf("area %d: %w", c.fid, err)
		}
		c.c.c.Geometry, _ = g.(orb.MultiPolygon)
		return c, nil
	})
	if err != nil {
		return nil, fmt.Errorf("place assets ahead: %w", err)
	}
	// In the order placing inside the transaction takes them (asset, then
	// area), sorted here rather than by the database, which would copy
	// every shape into its sorter.
	sort.Slice(found, func(x, y int) bool {
		return found[x].i < found[y].i || found[x].i == found[y].i && found[x].fid < found[y].fid
	})
	p := &placedAhead{}
	cands := make([]areaCandidate, 0, len(found))
	for _, f := range found {
		if f.i < 0 {
			p.version = f.version
			continue
		}
		f.c.asset, f.c.pt = assets[f.i].ID, geo.PointOnSurface(assets[f.i].Geometry)
		cands = append(cands, f.c)
	}
	p.ms = locateAll(cands)
	if fn, ok := ctx.Value(afterPlacingKey{}).(func()); ok {
		fn()
	}
	return p, nil
}

// placeInTx records the memberships of the assets of ids, written in tx:
// those placed ahead when no area changed since, else placed there.
func placeInTx(ctx context.Context, tx *Tx, ahead *placedAhead, ids []string) (int, error) {
	if ahead != nil {
		var v int64
		if err := tx.QueryRow(ctx, sqlAreasVersion).Scan(&v); err != nil {
			return 0, fmt.Errorf("version of the areas: %w", err)
		}
		if v == ahead.version {
			return len(ahead.ms), recordMemberships(ctx, tx, ahead.ms)
		}
	}
	return placeAssets(ctx, tx, ids, "")
}
