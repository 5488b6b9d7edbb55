-- Boundary releases: a series is one boundary set over time (wards 2013,
-- wards 2019); each release is a boundary set of its own, never
-- overwritten; one is current. Successor links say where each area of a
-- release went in a later one, computed from their crosswalk and confirmed,
-- corrected or rejected by a person.

-- +goose Up
CREATE TABLE series (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  slug TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  current_set TEXT NOT NULL REFERENCES boundary_sets(slug)
);
CREATE TABLE set_releases (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  set_slug TEXT NOT NULL UNIQUE REFERENCES boundary_sets(slug) ON DELETE CASCADE,
  series TEXT NOT NULL REFERENCES series(slug)
);
CREATE INDEX set_releases_series ON set_releases (series);
CREATE TABLE area_successors (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  old_set TEXT NOT NULL REFERENCES boundary_sets(slug) ON DELETE CASCADE,
  old_code TEXT NOT NULL,
  new_set TEXT NOT NULL REFERENCES boundary_sets(slug) ON DELETE CASCADE,
  new_code TEXT NOT NULL,
  share_of_old DOUBLE NOT NULL,
  share_of_new DOUBLE NOT NULL,
  iou DOUBLE NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('computed','confirmed','corrected','rejected')),
  decided_by TEXT NOT NULL DEFAULT '',
  decided_at DATETIME,
  note TEXT NOT NULL DEFAULT '',
  UNIQUE (old_set, old_code, new_set, new_code)
);
CREATE INDEX area_successors_new ON area_successors (new_set, new_code);
-- A place's link carried to a new release through a weak successor is
-- flagged for a person to review.
ALTER TABLE place_links ADD COLUMN review BOOLEAN NOT NULL DEFAULT 0;
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
 ('series', 'attributes', 'series', 'placemap: boundary set series and their current release'),
 ('set_releases', 'attributes', 'set_releases', 'placemap: which series each boundary set is a release of'),
 ('area_successors', 'attributes', 'area_successors', 'placemap: where each area of a release went in a later one');

-- +goose Down
DELETE FROM gpkg_contents WHERE table_name IN ('series', 'set_releases', 'area_successors');
ALTER TABLE place_links DROP COLUMN review;
DROP TABLE area_successors;
DROP TABLE set_releases;
DROP TABLE series;
