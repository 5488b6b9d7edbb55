-- Conflation runs: the ground each OSM file covered (its header's bbox, or
-- the extent of its data), the runner's scope and the coverage, and for
-- every asset a run covered what the last such run found (no counterpart,
-- or the OSM objects within the matching radius). The OSM export offers an
-- asset as new only on that word.

-- +goose Up
CREATE TABLE conflation_runs (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  file TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE TABLE conflation_verdicts (
  asset_id TEXT PRIMARY KEY,
  run TEXT NOT NULL,
  file TEXT NOT NULL,
  asset_version INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('matched','only_local','ambiguous')),
  osm_refs TEXT NOT NULL,
  created_at DATETIME NOT NULL
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
 ('conflation_runs', 'attributes', 'conflation_runs', 'placemap: OSM conflation runs and the ground their files covered'),
 ('conflation_verdicts', 'attributes', 'conflation_verdicts', 'placemap: what the last conflation run over each asset found');

-- +goose Down
DELETE FROM gpkg_contents WHERE table_name IN ('conflation_runs', 'conflation_verdicts');
DROP TABLE conflation_verdicts;
DROP TABLE conflation_runs;
