-- Accounts are shown to the public by a display name they choose (or, when
-- empty, their role: "an editor"); e-mail addresses only to admins.

-- +goose Up
ALTER TABLE users ADD COLUMN display_name text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN display_name;
