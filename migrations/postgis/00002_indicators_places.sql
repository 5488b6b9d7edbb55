-- Indicators (numbers attached to the areas of a set) and places
-- (neighbourhoods as people name them, linked to the areas that define them).

-- +goose Up
CREATE TABLE indicators (
  fid bigserial PRIMARY KEY,
  set_slug text NOT NULL REFERENCES boundary_sets(slug) ON DELETE CASCADE,
  name text NOT NULL,
  title text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('count','rate')),
  source text NOT NULL DEFAULT '',
  licence text NOT NULL DEFAULT '',
  attribution text NOT NULL DEFAULT '',
  UNIQUE (set_slug, name)
);

CREATE TABLE indicator_values (
  fid bigserial PRIMARY KEY,
  set_slug text NOT NULL,
  indicator text NOT NULL,
  area_code text NOT NULL,
  value double precision NOT NULL,
  UNIQUE (set_slug, indicator, area_code),
  FOREIGN KEY (set_slug, indicator) REFERENCES indicators(set_slug, name) ON DELETE CASCADE,
  FOREIGN KEY (set_slug, area_code) REFERENCES areas(set_slug, code) ON DELETE CASCADE
);

CREATE TABLE places (
  fid bigserial PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  alt_names jsonb NOT NULL DEFAULT '[]'
);

CREATE TABLE place_links (
  fid bigserial PRIMARY KEY,
  place_slug text NOT NULL REFERENCES places(slug) ON DELETE CASCADE,
  set_slug text NOT NULL,
  area_code text NOT NULL,
  confirmed boolean NOT NULL DEFAULT false,
  note text NOT NULL DEFAULT '',
  UNIQUE (place_slug, set_slug, area_code),
  FOREIGN KEY (set_slug, area_code) REFERENCES areas(set_slug, code) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE place_links;
DROP TABLE places;
DROP TABLE indicator_values;
DROP TABLE indicators;
