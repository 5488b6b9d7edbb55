-- Boundary releases: a series is one boundary set over time (wards 2013,
-- wards 2019); each release is a boundary set of its own, never
-- overwritten; one is current. Successor links say where each area of a
-- release went in a later one, computed from their crosswalk and confirmed,
-- corrected or rejected by a person.

-- +goose Up
CREATE TABLE series (
  slug text PRIMARY KEY,
  title text NOT NULL,
  current_set text NOT NULL REFERENCES boundary_sets(slug)
);
CREATE TABLE set_releases (
  set_slug text PRIMARY KEY REFERENCES boundary_sets(slug) ON DELETE CASCADE,
  series text NOT NULL REFERENCES series(slug)
);
CREATE INDEX set_releases_series ON set_releases (series);
CREATE TABLE area_successors (
  old_set text NOT NULL REFERENCES boundary_sets(slug) ON DELETE CASCADE,
  old_code text NOT NULL,
  new_set text NOT NULL REFERENCES boundary_sets(slug) ON DELETE CASCADE,
  new_code text NOT NULL,
  share_of_old double precision NOT NULL,
  share_of_new double precision NOT NULL,
  iou double precision NOT NULL,
  status text NOT NULL CHECK (status IN ('computed','confirmed','corrected','rejected')),
  decided_by text NOT NULL DEFAULT '',
  decided_at timestamptz,
  note text NOT NULL DEFAULT '',
  PRIMARY KEY (old_set, old_code, new_set, new_code)
);
CREATE INDEX area_successors_new ON area_successors (new_set, new_code);
-- A place's link carried to a new release through a weak successor is
-- flagged for a person to review.
ALTER TABLE place_links ADD COLUMN review boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE place_links DROP COLUMN review;
DROP TABLE area_successors;
DROP TABLE set_releases;
DROP TABLE series;
