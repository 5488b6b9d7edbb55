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
  fid bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  created_by text NOT NULL DEFAULT '',
  category text NOT NULL,
  from_set text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('baseline','scenario')),
  params jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('running','done','failed')),
  stage text NOT NULL DEFAULT '',
  done bigint NOT NULL DEFAULT 0,
  total bigint NOT NULL DEFAULT 0,
  error text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL,
  finished_at timestamptz,
  result text,
  isochrones text
);
CREATE INDEX access_runs_status ON access_runs (status);
CREATE INDEX access_runs_latest ON access_runs (category, kind, status, fid);

-- +goose Down
DROP TABLE access_runs;
