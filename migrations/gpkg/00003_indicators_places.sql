-- Indicators (numbers attached to the areas of a set) and places
-- (neighbourhoods as people name them, linked to the areas that define them).

-- +goose Up
CREATE TABLE indicators (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  set_slug TEXT NOT NULL REFERENCES boundary_sets(slug) ON DELETE CASCADE,
  name TEXT NOT NULL,
  title TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('count','rate')),
  source TEXT NOT NULL DEFAULT '',
  licence TEXT NOT NULL DEFAULT '',
  attribution TEXT NOT NULL DEFAULT '',
  UNIQUE (set_slug, name)
);

CREATE TABLE indicator_values (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  set_slug TEXT NOT NULL,
  indicator TEXT NOT NULL,
  area_code TEXT NOT NULL,
  value DOUBLE NOT NULL,
  UNIQUE (set_slug, indicator, area_code),
  FOREIGN KEY (set_slug, indicator) REFERENCES indicators(set_slug, name) ON DELETE CASCADE,
  FOREIGN KEY (set_slug, area_code) REFERENCES areas(set_slug, code) ON DELETE CASCADE
);

CREATE TABLE places (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  alt_names TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE place_links (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  place_slug TEXT NOT NULL REFERENCES places(slug) ON DELETE CASCADE,
  set_slug TEXT NOT NULL,
  area_code TEXT NOT NULL,
  confirmed BOOLEAN NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT '',
  UNIQUE (place_slug, set_slug, area_code),
  FOREIGN KEY (set_slug, area_code) REFERENCES areas(set_slug, code) ON DELETE CASCADE
);

INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
 ('indicators', 'attributes', 'indicators', 'placemap: indicators of each boundary set'),
 ('indicator_values', 'attributes', 'indicator_values', 'placemap: indicator values per area'),
 ('places', 'attributes', 'places', 'placemap: neighbourhoods as people name them'),
 ('place_links', 'attributes', 'place_links', 'placemap: the areas that define each place');

-- +goose Down
DELETE FROM gpkg_contents WHERE table_name IN ('indicators', 'indicator_values', 'places', 'place_links');
DROP TABLE place_links;
DROP TABLE places;
DROP TABLE indicator_values;
DROP TABLE indicators;
