-- Conflation runs: the ground each OSM file covered (its header's bbox, or
-- the extent of its data), the runner's scope and the coverage, and for
-- every asset a run covered what the last such run found (no counterpart,
-- or the OSM objects within the matching radius). The OSM export offers an
-- asset as new only on that word.

-- +goose Up
CREATE TABLE conflation_runs (
  fid bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  file text NOT NULL,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE TABLE conflation_verdicts (
  asset_id text PRIMARY KEY,
  run text NOT NULL,
  file text NOT NULL,
  asset_version bigint NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('matched','only_local','ambiguous')),
  osm_refs jsonb NOT NULL,
  created_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE conflation_verdicts;
DROP TABLE conflation_runs;
