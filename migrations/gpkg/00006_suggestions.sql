-- Suggestions: changes proposed by contributors and visitors, waiting for a
-- moderator. data holds the proposed asset as a revision record does.

-- +goose Up
CREATE TABLE suggestions (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('new','correction','closure')),
  asset_id TEXT NOT NULL,
  data TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','accepted','rejected')),
  reason TEXT NOT NULL DEFAULT '',
  decided_by TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  decided_at DATETIME
);
CREATE INDEX suggestions_status ON suggestions (status, fid);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
 ('suggestions', 'attributes', 'suggestions', 'placemap: proposed changes awaiting moderation');

-- +goose Down
DELETE FROM gpkg_contents WHERE table_name = 'suggestions';
DROP TABLE suggestions;
