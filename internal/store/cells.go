package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Asset cells: how many assets of each category lie in each tile of a
// fixed Web Mercator pyramid, at a few zooms (levels), with the sums of
// their locations, kept in table asset_cells by the transaction of every
// write of an asset's location or category (countCells, uncountCells), so
// a low-zoom tile reads its cells rather than counting thousands of assets.
//
// A row is one cell of level, x, y (a tile of zoom level) and one
// category: n assets, sum_lon and sum_lat the sums of their longitudes and
// latitudes in units of 1e-7 degree, each truncated towards zero (integers,
// so a cell's sums are the same whatever order its assets came and went
// in). kx, ky are x, y divided by 2^cellBlock, leading the key so a tile's
// cells are one run of it. The levels are every other zoom, so a tile of
// zoom z cut into 32 × 32 cells (zoom z + 5) reads the level z + 5, or
// z + 6 and sums each cell's 2 × 2 (DB.AssetCells).
//
// An asset's cells are computed by the database, from the location it
// keeps, by the same expressions on every write and in the migration that
// filled the table: the cells an asset is taken out of are the cells it was
// put in. Migrations gpkg 00027 and postgis 00026 spell out the
// expressions of cellLevels, cellBlock and cellUnits as they were then.

// cellLevels are the zooms asset_cells keeps, ascending.
var cellLevels = [...]int{11, 13, 15, 17}

// CellLevels are the zooms whose cells the store keeps, ascending.
func CellLevels() []int { return append([]int(nil), cellLevels[:]...) }

// MaxCellLevel is the deepest zoom of the cells DB.AssetCells can count.
const MaxCellLevel = 17

const (
	cellBlock = 6   // kx = x >> cellBlock: a block of 64 × 64 cells
	cellUnits = 1e7 // sum_lon and sum_lat are in units of 1e-7 degree
	maxLat    = 85.0511287798066
)

// cellQueries are the statements keeping and reading asset_cells.
type cellQueries struct {
	// add and remove count into, or out of, each cell the assets with the
	// ids of list parameter $1 lie in, as they are now.
	add, remove string
	// prune deletes the cells left with no assets.
	prune string
	// read and readBlocks give x, y, category, n, sum_lon, sum_lat of the
	// cells of level $1 with x in [$4, $5) and y in [$6, $7): read of one
	// block, kx $2, ky $3; readBlocks of the blocks kx in [$2, $8), ky in
	// [$3, $9).
	read, readBlocks string
}

func buildCellQueries(d Dialect) cellQueries {
	cols := `SELECT x, y, category, n, sum_lon, sum_lat FROM asset_cells WHERE level = $1 AND `
	within := ` AND x >= $4 AND x < $5 AND y >= $6 AND y < $7 AND n > 0`
	return cellQueries{
		add:        cellDelta(d, "+"),
		remove:     cellDelta(d, "-"),
		prune:      `DELETE FROM asset_cells WHERE n = 0`,
		read:       cols + `kx = $2 AND ky = $3` + within,
		readBlocks: cols + `kx >= $2 AND kx < $8 AND ky >= $3 AND ky < $9` + within,
	}
}

// cellDelta is the statement adding (sign "+") or taking away ("-") the
// assets of the ids in list parameter $1 to or from their cells at every
// level.
func cellDelta(d Dialect, sign string) string {
	lon, lat := d.SQL.LocationXY("a")
	// Latitude held to the Web Mercator square, as radians.
	phi := `radians(CASE WHEN ` + lat + ` > ` + ftoa(maxLat) + ` THEN ` + ftoa(maxLat) + ` WHEN ` + lat + ` < -` + ftoa(maxLat) +
		` THEN -` + ftoa(maxLat) + ` ELSE ` + lat + ` END)`
	// The location as fractions of the world's width from the west and
	// height from the north (tiles.go's tileProjection).
	fx := `(` + lon + ` + 180.0) / 360.0`
	fy := `(0.5 - ln((1.0 + sin(` + phi + `)) / (1.0 - sin(` + phi + `))) / (4.0 * pi()))`
	var levels []string
	for _, l := range cellLevels {
		levels = append(levels, `SELECT `+strconv.Itoa(l)+` AS level, `+strconv.Itoa(1<<l)+` AS side`)
	}
	clamp := func(frac string) string {
		v := d.SQL.Int(`floor(` + frac + ` * l.side)`)
		return `CASE WHEN ` + v + ` < 0 THEN 0 WHEN ` + v + ` >= l.side THEN l.side - 1 ELSE ` + v + ` END`
	}
	units := ftoa(cellUnits)
	return `INSERT INTO asset_cells (level, kx, ky, x, y, category, n, sum_lon, sum_lat)
		SELECT level, x / ` + strconv.Itoa(1<<cellBlock) + `, y / ` + strconv.Itoa(1<<cellBlock) + `, x, y, category, ` +
		sign + `count(*), ` + sign + `sum(ilon), ` + sign + `sum(ilat) FROM (
			SELECT l.level AS level, ` + clamp("p.fx") + ` AS x, ` + clamp("p.fy") + ` AS y, p.category AS category, p.ilon AS ilon, p.ilat AS ilat
			FROM (SELECT ` + fx + ` AS fx, ` + fy + ` AS fy, a.category AS category, ` +
		d.SQL.Int(lon+` * `+units) + ` AS ilon, ` + d.SQL.Int(lat+` * `+units) + ` AS ilat
				FROM assets a WHERE ` + d.SQL.InList("a.id", "$1") + `) p
			CROSS JOIN (` + strings.Join(levels, ` UNION ALL `) + `) l
		) c WHERE true GROUP BY level, x, y, category
		ON CONFLICT (level, kx, ky, x, y, category) DO UPDATE SET n = asset_cells.n + excluded.n,
		sum_lon = asset_cells.sum_lon + excluded.sum_lon, sum_lat = asset_cells.sum_lat + excluded.sum_lat`
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// countCells counts the assets of ids, as they are now, into their cells:
// after inserting them, or after updating their location or category (with
// uncountCells before).
func countCells(ctx context.Context, tx *Tx, ids []string) error {
	return tx.cellDelta(ctx, tx.q.cells.add, ids)
}

// uncountCells takes the assets of ids, as they are now, out of their
// cells: before deleting them, or before updating their location or
// category (and countCells after). It deletes the cells left empty.
func uncountCells(ctx context.Context, tx *Tx, ids []string) error {
	if err := tx.cellDelta(ctx, tx.q.cells.remove, ids); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, tx.q.cells.prune); err != nil {
		return fmt.Errorf("asset cells: prune: %w", err)
	}
	return nil
}

func (tx *Tx) cellDelta(ctx context.Context, query string, ids []string) error {
	list, err := tx.d.SQL.List(ids)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, query, list); err != nil {
		return fmt.Errorf("asset cells: %w", err)
	}
	return nil
}
