-- The names of the fields a set's codes and names came from (WD13CD,
-- WD13NM), so lookups written from it use the headings people know.

-- +goose Up
ALTER TABLE boundary_sets ADD COLUMN code_field text NOT NULL DEFAULT '';
ALTER TABLE boundary_sets ADD COLUMN name_field text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE boundary_sets DROP COLUMN name_field;
ALTER TABLE boundary_sets DROP COLUMN code_field;
