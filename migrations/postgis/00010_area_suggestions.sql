-- Suggestions may also be neighbourhoods drawn by residents (kind area);
-- data then holds the drawing and the place it defines.

-- +goose Up
ALTER TABLE suggestions DROP CONSTRAINT suggestions_kind_check;
ALTER TABLE suggestions ADD CONSTRAINT suggestions_kind_check CHECK (kind IN ('new','correction','closure','area'));

-- +goose Down
DELETE FROM suggestions WHERE kind = 'area';
ALTER TABLE suggestions DROP CONSTRAINT suggestions_kind_check;
ALTER TABLE suggestions ADD CONSTRAINT suggestions_kind_check CHECK (kind IN ('new','correction','closure'));
