-- How a set was made from its file when the import left features out
-- (--skip-invalid): the file, and every skipped feature with why. JSON
-- text; '' for none.

-- +goose Up
ALTER TABLE boundary_sets ADD COLUMN provenance text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE boundary_sets DROP COLUMN provenance;
