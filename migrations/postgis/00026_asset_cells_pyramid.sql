-- Asset cells (issue 21): how many assets of each category lie in each
-- tile of the Web Mercator pyramid at zooms 11, 13, 15 and 17, with the
-- sums of their locations in units of 1e-7 degree (truncated towards
-- zero), so a low-zoom asset tile reads its 32 × 32 cells here rather than
-- counting every asset under it. kx, ky are x, y divided by 64, leading the
-- key so a tile's cells are one run of it. Every write of an asset's
-- location or category keeps it, in the same transaction
-- (internal/store/cells.go, whose statements use the same expressions as
-- the fill below). The key includes the counts and sums, and the fill
-- writes in the key's order, so a tile's read is an index-only scan of
-- a few pages (27 ms to 0.3 ms for a z8 tile's 539 cells here).
-- asset_cells_empty finds the cells a delete or move leaves empty.

-- +goose Up
CREATE TABLE asset_cells (
  level integer NOT NULL,
  kx integer NOT NULL,
  ky integer NOT NULL,
  x integer NOT NULL,
  y integer NOT NULL,
  category text NOT NULL,
  n bigint NOT NULL,
  sum_lon bigint NOT NULL,
  sum_lat bigint NOT NULL,
  PRIMARY KEY (level, kx, ky, x, y, category) INCLUDE (n, sum_lon, sum_lat)
);
CREATE INDEX asset_cells_empty ON asset_cells (level) WHERE n = 0;
INSERT INTO asset_cells (level, kx, ky, x, y, category, n, sum_lon, sum_lat)
SELECT level, x / 64, y / 64, x, y, category, count(*), sum(ilon), sum(ilat) FROM (
  SELECT l.level AS level,
    CASE WHEN CAST(trunc(floor(p.fx * l.side)) AS bigint) < 0 THEN 0 WHEN CAST(trunc(floor(p.fx * l.side)) AS bigint) >= l.side THEN l.side - 1 ELSE CAST(trunc(floor(p.fx * l.side)) AS bigint) END AS x,
    CASE WHEN CAST(trunc(floor(p.fy * l.side)) AS bigint) < 0 THEN 0 WHEN CAST(trunc(floor(p.fy * l.side)) AS bigint) >= l.side THEN l.side - 1 ELSE CAST(trunc(floor(p.fy * l.side)) AS bigint) END AS y,
    p.category AS category, p.ilon AS ilon, p.ilat AS ilat
  FROM (SELECT (ST_X(a.location) + 180.0) / 360.0 AS fx,
      (0.5 - ln((1.0 + sin(radians(CASE WHEN ST_Y(a.location) > 85.0511287798066 THEN 85.0511287798066 WHEN ST_Y(a.location) < -85.0511287798066 THEN -85.0511287798066 ELSE ST_Y(a.location) END))) / (1.0 - sin(radians(CASE WHEN ST_Y(a.location) > 85.0511287798066 THEN 85.0511287798066 WHEN ST_Y(a.location) < -85.0511287798066 THEN -85.0511287798066 ELSE ST_Y(a.location) END)))) / (4.0 * pi())) AS fy,
      a.category AS category, CAST(trunc(ST_X(a.location) * 10000000) AS bigint) AS ilon, CAST(trunc(ST_Y(a.location) * 10000000) AS bigint) AS ilat
    FROM assets a) p
  CROSS JOIN (SELECT 11 AS level, 2048 AS side UNION ALL SELECT 13 AS level, 8192 AS side UNION ALL SELECT 15 AS level, 32768 AS side UNION ALL SELECT 17 AS level, 131072 AS side) l
) c GROUP BY level, x, y, category
ORDER BY level, x / 64, y / 64, x, y, category;

-- +goose Down
DROP TABLE asset_cells;
