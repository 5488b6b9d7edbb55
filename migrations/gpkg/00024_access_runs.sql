-- Access runs (issue 20): each walk-to-the-nearest-asset run asked for over
-- the API (POST /api/access), kept while it runs and after. params is the
-- request as checked (JSON); category, from_set and kind (baseline: no
-- asset closed or opened; scenario) are copied out of it for the queries
-- that pick the latest baseline of a category. status is running, done or
-- failed; stage, done and total its progress, updated_at its heartbeat (a
-- run whose heartbeat stopped was interrupted). result is the finished
-- run (the access package's Result, JSON) and isochrones its walking-time
-- bands (a GeoJSON FeatureCollection), both NULL until it is done.

-- +goose Up
CREATE TABLE access_runs (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  created_at DATETIME NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL,
  from_set TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('baseline','scenario')),
  params TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running','done','failed')),
  stage TEXT NOT NULL DEFAULT '',
  done INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  updated_at DATETIME NOT NULL,
  finished_at DATETIME,
  result TEXT,
  isochrones TEXT
);
CREATE INDEX access_runs_status ON access_runs (status);
CREATE INDEX access_runs_latest ON access_runs (category, kind, status, fid);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
 ('access_runs', 'attributes', 'access_runs', 'placemap: walking access runs, their progress and results');

-- +goose Down
DELETE FROM gpkg_contents WHERE table_name = 'access_runs';
DROP TABLE access_runs;
