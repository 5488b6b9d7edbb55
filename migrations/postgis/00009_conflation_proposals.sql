-- Conflation proposals: what an OSM conflation found, kept for a person to
-- accept or reject one by one. data holds the OSM objects in play (as
-- revision records), the differences and the decision's details.

-- +goose Up
CREATE TABLE conflation_proposals (
  fid bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  run text NOT NULL,
  file text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('matched','only_osm','only_local','ambiguous')),
  asset_id text NOT NULL DEFAULT '',
  osm_ref text NOT NULL DEFAULT '',
  data jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('pending','accepted','rejected','superseded')),
  reason text NOT NULL DEFAULT '',
  decided_by text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  decided_at timestamptz
);
CREATE INDEX conflation_proposals_status ON conflation_proposals (status, fid);

-- +goose Down
DROP TABLE conflation_proposals;
