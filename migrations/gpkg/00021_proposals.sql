-- Set proposals (issue 18): a boundary set proposed from whole building
-- blocks (placemap propose-set, POST /api/proposals/sets), kept as a draft
-- editors refine block by block and publish as releases of a series.
-- params, assignment (block code → area code), names (area code → name),
-- report (the engine's last scores) and published (set slugs, oldest
-- first) are JSON; version counts every change (optimistic concurrency).

-- +goose Up
CREATE TABLE set_proposals (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  slug TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  kind TEXT NOT NULL,
  blocks_set TEXT NOT NULL,
  params TEXT NOT NULL,
  assignment TEXT NOT NULL,
  names TEXT NOT NULL,
  report TEXT NOT NULL DEFAULT '{}',
  areas INTEGER NOT NULL DEFAULT 0,
  overall DOUBLE NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  series TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('published','draft')),
  published TEXT NOT NULL DEFAULT '[]',
  author TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
 ('set_proposals', 'attributes', 'set_proposals', 'placemap: boundary sets proposed from building blocks, drafts editors refine');

-- +goose Down
DELETE FROM gpkg_contents WHERE table_name = 'set_proposals';
DROP TABLE set_proposals;
