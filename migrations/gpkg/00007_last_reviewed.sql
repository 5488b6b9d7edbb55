-- When someone last checked each asset against the world; NULL for never.

-- +goose Up
ALTER TABLE assets ADD COLUMN last_reviewed DATETIME;

-- +goose Down
ALTER TABLE assets DROP COLUMN last_reviewed;
