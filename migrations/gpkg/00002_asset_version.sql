-- Every asset carries a version for optimistic concurrency: an update names
-- the version it read and fails if the asset has moved on. name_key is the
-- name folded by placemap (Unicode lower case), so that ordering and name
-- search are the same in every store whatever its collation.

-- +goose Up
ALTER TABLE assets ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE assets ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
UPDATE assets SET name_key = lower(name);
DROP INDEX assets_name;
CREATE INDEX assets_name_key ON assets (name_key, id);

-- +goose Down
DROP INDEX assets_name_key;
CREATE INDEX assets_name ON assets (name COLLATE NOCASE);
ALTER TABLE assets DROP COLUMN name_key;
ALTER TABLE assets DROP COLUMN version;
