-- placemap on PostgreSQL + PostGIS: the same tables as the GeoPackage store,
-- with typed geometry columns, GiST indexes and the constraints that keep
-- slugs, codes and ids unique. QGIS opens these tables directly.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE boundary_sets (
  fid bigserial PRIMARY KEY,
  extent geometry(Polygon, 4326),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 64),
  title text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('statutory','statistical','service','programme','community')),
  publisher text NOT NULL DEFAULT '',
  release_date text NOT NULL DEFAULT '',
  licence text NOT NULL DEFAULT '',
  attribution text NOT NULL DEFAULT '',
  source text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  area_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL
);

CREATE TABLE areas (
  fid bigserial PRIMARY KEY,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  set_slug text NOT NULL REFERENCES boundary_sets(slug) ON DELETE CASCADE,
  code text NOT NULL,
  name text NOT NULL,
  properties jsonb NOT NULL DEFAULT '{}',
  UNIQUE (set_slug, code)
);
CREATE INDEX areas_geom ON areas USING gist (geom);

CREATE TABLE assets (
  fid bigserial PRIMARY KEY,
  geom geometry(Geometry, 4326) NOT NULL CHECK (GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON')),
  location geometry(Point, 4326) NOT NULL,
  id text NOT NULL UNIQUE,
  name text NOT NULL,
  category text NOT NULL,
  status text NOT NULL CHECK (status IN ('open','closed','at_risk','proposed')),
  address text NOT NULL DEFAULT '',
  postcode text NOT NULL DEFAULT '',
  opening_hours text NOT NULL DEFAULT '',
  phone text NOT NULL DEFAULT '',
  email text NOT NULL DEFAULT '',
  website text NOT NULL DEFAULT '',
  operator text NOT NULL DEFAULT '',
  tags jsonb NOT NULL DEFAULT '{}',
  source text NOT NULL DEFAULT '',
  source_id text NOT NULL DEFAULT '',
  licence text NOT NULL DEFAULT '',
  attribution text NOT NULL DEFAULT '',
  version bigint NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL,
  -- the name folded by placemap (Unicode lower case): ordering and search
  -- use it with byte-order collation, as the GeoPackage store does
  name_key text NOT NULL
);
CREATE INDEX assets_geom ON assets USING gist (geom);
CREATE INDEX assets_category ON assets (category);
CREATE INDEX assets_name_key ON assets (name_key COLLATE "C", id COLLATE "C");

CREATE TABLE memberships (
  fid bigserial PRIMARY KEY,
  geom geometry(Point, 4326) NOT NULL,
  asset_id text NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  set_slug text NOT NULL REFERENCES boundary_sets(slug) ON DELETE CASCADE,
  area_code text NOT NULL,
  UNIQUE (asset_id, set_slug),
  FOREIGN KEY (set_slug, area_code) REFERENCES areas (set_slug, code) ON DELETE CASCADE
);
CREATE INDEX memberships_area ON memberships (set_slug, area_code);
CREATE INDEX memberships_geom ON memberships USING gist (geom);

CREATE TABLE revisions (
  fid bigserial PRIMARY KEY,
  entity text NOT NULL,
  entity_id text NOT NULL,
  action text NOT NULL,
  author text NOT NULL DEFAULT '',
  comment text NOT NULL DEFAULT '',
  data jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL
);
CREATE INDEX revisions_entity ON revisions (entity, entity_id);

-- data_version is bumped by every write transaction, under its row lock:
-- that both serialises writers (as SQLite does) and lets every placemap
-- instance see that its caches are stale.
CREATE TABLE settings (
  key text PRIMARY KEY,
  value text NOT NULL
);
INSERT INTO settings (key, value) VALUES ('data_version', '0');

-- +goose Down
DROP TABLE settings;
DROP TABLE revisions;
DROP TABLE memberships;
DROP TABLE assets;
DROP TABLE areas;
DROP TABLE boundary_sets;
