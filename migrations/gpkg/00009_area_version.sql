-- Areas carry a version for optimistic concurrency, as assets do.

-- +goose Up
ALTER TABLE areas ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE areas DROP COLUMN version;
