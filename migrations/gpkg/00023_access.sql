-- Walking access (issue 20): the routing graph `placemap import network`
-- builds from an OpenStreetMap extract, one per mode (walk or cycle).
-- graph is network.Graph.MarshalBinary (versioned, checksummed); report is
-- the build report as JSON (ways, vertices, edges, metres, largest
-- component share, ways skipped by reason). An import replaces the row of
-- its mode in one statement: a failed import keeps the old network.
--
-- Indicators gain the kind asset: a value that is an asset's FID (each
-- area's nearest library), named rather than measured, never moved. SQLite
-- cannot change a CHECK, so indicators and indicator_values are rebuilt:
-- both renamed aside (the values' foreign key follows), created anew,
-- copied, and the old ones dropped, child first, so no cascade fires.

-- +goose Up
CREATE TABLE networks (
	mode TEXT PRIMARY KEY CHECK (mode IN ('walk', 'cycle')),
	source TEXT NOT NULL,
	built_at DATETIME NOT NULL,
	report TEXT NOT NULL,
	graph BLOB NOT NULL
);

ALTER TABLE indicator_values RENAME TO indicator_values_old;
ALTER TABLE indicators RENAME TO indicators_old;
CREATE TABLE indicators (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  set_slug TEXT NOT NULL REFERENCES boundary_sets(slug) ON DELETE CASCADE,
  name TEXT NOT NULL,
  title TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('count','rate','asset')),
  source TEXT NOT NULL DEFAULT '',
  licence TEXT NOT NULL DEFAULT '',
  attribution TEXT NOT NULL DEFAULT '',
  UNIQUE (set_slug, name)
);
CREATE TABLE indicator_values (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  set_slug TEXT NOT NULL,
  indicator TEXT NOT NULL,
  area_code TEXT NOT NULL,
  value DOUBLE NOT NULL,
  UNIQUE (set_slug, indicator, area_code),
  FOREIGN KEY (set_slug, indicator) REFERENCES indicators(set_slug, name) ON DELETE CASCADE,
  FOREIGN KEY (set_slug, area_code) REFERENCES areas(set_slug, code) ON DELETE CASCADE
);
INSERT INTO indicators SELECT * FROM indicators_old WHERE kind IN ('count','rate','asset');
INSERT INTO indicator_values SELECT v.* FROM indicator_values_old v
  JOIN indicators i ON i.set_slug = v.set_slug AND i.name = v.indicator;
DROP TABLE indicator_values_old;
DROP TABLE indicators_old;

-- +goose Down
DROP TABLE networks;
ALTER TABLE indicator_values RENAME TO indicator_values_old;
ALTER TABLE indicators RENAME TO indicators_old;
CREATE TABLE indicators (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  set_slug TEXT NOT NULL REFERENCES boundary_sets(slug) ON DELETE CASCADE,
  name TEXT NOT NULL,
  title TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('count','rate')),
  source TEXT NOT NULL DEFAULT '',
  licence TEXT NOT NULL DEFAULT '',
  attribution TEXT NOT NULL DEFAULT '',
  UNIQUE (set_slug, name)
);
CREATE TABLE indicator_values (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  set_slug TEXT NOT NULL,
  indicator TEXT NOT NULL,
  area_code TEXT NOT NULL,
  value DOUBLE NOT NULL,
  UNIQUE (set_slug, indicator, area_code),
  FOREIGN KEY (set_slug, indicator) REFERENCES indicators(set_slug, name) ON DELETE CASCADE,
  FOREIGN KEY (set_slug, area_code) REFERENCES areas(set_slug, code) ON DELETE CASCADE
);
INSERT INTO indicators SELECT * FROM indicators_old WHERE kind IN ('count','rate');
INSERT INTO indicator_values SELECT v.* FROM indicator_values_old v
  JOIN indicators i ON i.set_slug = v.set_slug AND i.name = v.indicator;
DROP TABLE indicator_values_old;
DROP TABLE indicators_old;

