-- Conflation proposals: what an OSM conflation found, kept for a person to
-- accept or reject one by one. data holds the OSM objects in play (as
-- revision records), the differences and the decision's details.

-- +goose Up
CREATE TABLE conflation_proposals (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  run TEXT NOT NULL,
  file TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('matched','only_osm','only_local','ambiguous')),
  asset_id TEXT NOT NULL DEFAULT '',
  osm_ref TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','accepted','rejected','superseded')),
  reason TEXT NOT NULL DEFAULT '',
  decided_by TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  decided_at DATETIME
);
CREATE INDEX conflation_proposals_status ON conflation_proposals (status, fid);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
 ('conflation_proposals', 'attributes', 'conflation_proposals', 'placemap: OSM conflation proposals awaiting review');

-- +goose Down
DELETE FROM gpkg_contents WHERE table_name = 'conflation_proposals';
DROP TABLE conflation_proposals;
