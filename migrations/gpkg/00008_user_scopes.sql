-- Editors and moderators may be scoped to boundary sets or areas
-- ("moderator for Heeley"): a JSON list of "set" or "set:code".

-- +goose Up
ALTER TABLE users ADD COLUMN scopes TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE users DROP COLUMN scopes;
