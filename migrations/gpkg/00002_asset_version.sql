-- Every asset carries a version for optimistic concurrency: an update names
-- the version it read and fails if the asset has moved on.

-- +goose Up
ALTER TABLE assets ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE assets DROP COLUMN version;
