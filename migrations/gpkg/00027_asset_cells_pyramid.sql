-- Asset cells (issue 21): how many assets of each category lie in each
-- tile of the Web Mercator pyramid at zooms 11, 13, 15 and 17, with the
-- sums of their locations in units of 1e-7 degree (truncated towards
-- zero), so a low-zoom asset tile reads its 32 × 32 cells here rather than
-- counting every asset under it. kx, ky are x, y divided by 64, leading the
-- key so a tile's cells are one run of it. Every write of an asset's
-- location or category keeps it, in the same transaction
-- (internal/store/cells.go, whose statements use the same expressions as
-- the fill below). Without rowid: the key is the table, so a tile's read
-- touches its cells' pages only. asset_cells_empty finds the cells a
-- delete or move leaves empty.
--
-- The covering index assets_cell (00013) served the count this replaces.

-- +goose Up
CREATE TABLE asset_cells (
  level INTEGER NOT NULL,
  kx INTEGER NOT NULL,
  ky INTEGER NOT NULL,
  x INTEGER NOT NULL,
  y INTEGER NOT NULL,
  category TEXT NOT NULL,
  n INTEGER NOT NULL,
  sum_lon INTEGER NOT NULL,
  sum_lat INTEGER NOT NULL,
  PRIMARY KEY (level, kx, ky, x, y, category)
) WITHOUT ROWID;
CREATE INDEX asset_cells_empty ON asset_cells (level) WHERE n = 0;
INSERT INTO asset_cells (level, kx, ky, x, y, category, n, sum_lon, sum_lat)
SELECT level, x / 64, y / 64, x, y, category, count(*), sum(ilon), sum(ilat) FROM (
  SELECT l.level AS level,
    CASE WHEN CAST(floor(p.fx * l.side) AS INTEGER) < 0 THEN 0 WHEN CAST(floor(p.fx * l.side) AS INTEGER) >= l.side THEN l.side - 1 ELSE CAST(floor(p.fx * l.side) AS INTEGER) END AS x,
    CASE WHEN CAST(floor(p.fy * l.side) AS INTEGER) < 0 THEN 0 WHEN CAST(floor(p.fy * l.side) AS INTEGER) >= l.side THEN l.side - 1 ELSE CAST(floor(p.fy * l.side) AS INTEGER) END AS y,
    p.category AS category, p.ilon AS ilon, p.ilat AS ilat
  FROM (SELECT (a.lon + 180.0) / 360.0 AS fx,
      (0.5 - ln((1.0 + sin(radians(CASE WHEN a.lat > 85.0511287798066 THEN 85.0511287798066 WHEN a.lat < -85.0511287798066 THEN -85.0511287798066 ELSE a.lat END))) / (1.0 - sin(radians(CASE WHEN a.lat > 85.0511287798066 THEN 85.0511287798066 WHEN a.lat < -85.0511287798066 THEN -85.0511287798066 ELSE a.lat END)))) / (4.0 * pi())) AS fy,
      a.category AS category, CAST(a.lon * 10000000 AS INTEGER) AS ilon, CAST(a.lat * 10000000 AS INTEGER) AS ilat
    FROM assets a) p
  CROSS JOIN (SELECT 11 AS level, 2048 AS side UNION ALL SELECT 13 AS level, 8192 AS side UNION ALL SELECT 15 AS level, 32768 AS side UNION ALL SELECT 17 AS level, 131072 AS side) l
) c GROUP BY level, x, y, category
ORDER BY level, x / 64, y / 64, x, y, category;
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
 ('asset_cells', 'attributes', 'asset_cells', 'placemap: assets counted by tile of the Web Mercator pyramid and category');
DROP INDEX assets_cell;

-- +goose Down
CREATE INDEX assets_cell ON assets (fid, lon, lat, category);
DELETE FROM gpkg_contents WHERE table_name = 'asset_cells';
DROP TABLE asset_cells;
