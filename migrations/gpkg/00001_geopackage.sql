-- GeoPackage 1.3 core tables, placemap's feature and attribute tables, and
-- the R-tree spatial index extension on every geometry column. The triggers
-- are the ones the GeoPackage 1.3 specification gives (Annex F.3); placemap
-- registers ST_MinX, ST_MaxX, ST_MinY, ST_MaxY and ST_IsEmpty so its own
-- writes fire them, as GDAL's do.

-- +goose Up
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
INSERT INTO gpkg_spatial_ref_sys VALUES
 ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
 ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
 ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');

CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);

CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);

CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);

-- One row per boundary set; extent is the set's bounding box as a polygon,
-- so QGIS can show where each set lies.
CREATE TABLE boundary_sets (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  extent POLYGON,
  slug TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('statutory','statistical','service','programme','community')),
  publisher TEXT NOT NULL DEFAULT '',
  release_date TEXT NOT NULL DEFAULT '',
  licence TEXT NOT NULL DEFAULT '',
  attribution TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  area_count INTEGER NOT NULL DEFAULT 0,
  created_at DATETIME NOT NULL
);

-- Every area of every set; set_slug says which set.
CREATE TABLE areas (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom MULTIPOLYGON NOT NULL,
  set_slug TEXT NOT NULL REFERENCES boundary_sets(slug) ON DELETE CASCADE,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  properties TEXT NOT NULL DEFAULT '{}',
  UNIQUE (set_slug, code)
);

-- Assets: points, or polygons for sites. lon/lat hold the location that
-- places the asset in areas (the point, or a point on the site's surface).
CREATE TABLE assets (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom GEOMETRY NOT NULL,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open','closed','at_risk','proposed')),
  address TEXT NOT NULL DEFAULT '',
  postcode TEXT NOT NULL DEFAULT '',
  opening_hours TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  website TEXT NOT NULL DEFAULT '',
  operator TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '{}',
  source TEXT NOT NULL DEFAULT '',
  source_id TEXT NOT NULL DEFAULT '',
  licence TEXT NOT NULL DEFAULT '',
  attribution TEXT NOT NULL DEFAULT '',
  lon DOUBLE NOT NULL,
  lat DOUBLE NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE INDEX assets_name ON assets (name COLLATE NOCASE);
CREATE INDEX assets_category ON assets (category);

-- Which area of each set every asset lies in; geom is the asset's location.
CREATE TABLE memberships (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom POINT NOT NULL,
  asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  set_slug TEXT NOT NULL REFERENCES boundary_sets(slug) ON DELETE CASCADE,
  area_code TEXT NOT NULL,
  UNIQUE (asset_id, set_slug),
  FOREIGN KEY (set_slug, area_code) REFERENCES areas(set_slug, code) ON DELETE CASCADE
);
CREATE INDEX memberships_area ON memberships (set_slug, area_code);

-- Every change, immutable.
CREATE TABLE revisions (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  action TEXT NOT NULL,
  author TEXT NOT NULL DEFAULT '',
  comment TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL DEFAULT '{}',
  created_at DATETIME NOT NULL
);
CREATE INDEX revisions_entity ON revisions (entity, entity_id);

CREATE TABLE settings (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('data_version', '0');

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
 ('boundary_sets', 'features', 'boundary_sets', 'placemap boundary sets (extent of each)', 4326),
 ('areas', 'features', 'areas', 'placemap areas of every boundary set', 4326),
 ('assets', 'features', 'assets', 'placemap civic assets', 4326),
 ('memberships', 'features', 'memberships', 'placemap: the area of every set each asset lies in', 4326),
 ('revisions', 'attributes', 'revisions', 'placemap: every change, immutable', NULL),
 ('settings', 'attributes', 'settings', 'placemap settings', NULL);
INSERT INTO gpkg_geometry_columns VALUES
 ('boundary_sets', 'extent', 'POLYGON', 4326, 0, 0),
 ('areas', 'geom', 'MULTIPOLYGON', 4326, 0, 0),
 ('assets', 'geom', 'GEOMETRY', 4326, 0, 0),
 ('memberships', 'geom', 'POINT', 4326, 0, 0);

CREATE VIRTUAL TABLE rtree_boundary_sets_extent USING rtree(id, minx, maxx, miny, maxy);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
VALUES ('boundary_sets', 'extent', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
-- +goose StatementBegin
CREATE TRIGGER rtree_boundary_sets_extent_insert AFTER INSERT ON boundary_sets
WHEN (new.extent NOT NULL AND NOT ST_IsEmpty(NEW.extent))
BEGIN
  INSERT OR REPLACE INTO rtree_boundary_sets_extent VALUES (NEW.fid, ST_MinX(NEW.extent), ST_MaxX(NEW.extent), ST_MinY(NEW.extent), ST_MaxY(NEW.extent));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_boundary_sets_extent_update1 AFTER UPDATE OF extent ON boundary_sets
WHEN OLD.fid = NEW.fid AND (NEW.extent NOTNULL AND NOT ST_IsEmpty(NEW.extent))
BEGIN
  INSERT OR REPLACE INTO rtree_boundary_sets_extent VALUES (NEW.fid, ST_MinX(NEW.extent), ST_MaxX(NEW.extent), ST_MinY(NEW.extent), ST_MaxY(NEW.extent));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_boundary_sets_extent_update2 AFTER UPDATE OF extent ON boundary_sets
WHEN OLD.fid = NEW.fid AND (NEW.extent ISNULL OR ST_IsEmpty(NEW.extent))
BEGIN
  DELETE FROM rtree_boundary_sets_extent WHERE id = OLD.fid;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_boundary_sets_extent_update3 AFTER UPDATE ON boundary_sets
WHEN OLD.fid != NEW.fid AND (NEW.extent NOTNULL AND NOT ST_IsEmpty(NEW.extent))
BEGIN
  DELETE FROM rtree_boundary_sets_extent WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_boundary_sets_extent VALUES (NEW.fid, ST_MinX(NEW.extent), ST_MaxX(NEW.extent), ST_MinY(NEW.extent), ST_MaxY(NEW.extent));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_boundary_sets_extent_update4 AFTER UPDATE ON boundary_sets
WHEN OLD.fid != NEW.fid AND (NEW.extent ISNULL OR ST_IsEmpty(NEW.extent))
BEGIN
  DELETE FROM rtree_boundary_sets_extent WHERE id IN (OLD.fid, NEW.fid);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_boundary_sets_extent_delete AFTER DELETE ON boundary_sets
WHEN old.extent NOT NULL
BEGIN
  DELETE FROM rtree_boundary_sets_extent WHERE id = OLD.fid;
END;
-- +goose StatementEnd

CREATE VIRTUAL TABLE rtree_areas_geom USING rtree(id, minx, maxx, miny, maxy);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
VALUES ('areas', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
-- +goose StatementBegin
CREATE TRIGGER rtree_areas_geom_insert AFTER INSERT ON areas
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_areas_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_areas_geom_update1 AFTER UPDATE OF geom ON areas
WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_areas_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_areas_geom_update2 AFTER UPDATE OF geom ON areas
WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_areas_geom WHERE id = OLD.fid;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_areas_geom_update3 AFTER UPDATE ON areas
WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_areas_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_areas_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_areas_geom_update4 AFTER UPDATE ON areas
WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_areas_geom WHERE id IN (OLD.fid, NEW.fid);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_areas_geom_delete AFTER DELETE ON areas
WHEN old.geom NOT NULL
BEGIN
  DELETE FROM rtree_areas_geom WHERE id = OLD.fid;
END;
-- +goose StatementEnd

CREATE VIRTUAL TABLE rtree_assets_geom USING rtree(id, minx, maxx, miny, maxy);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
VALUES ('assets', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
-- +goose StatementBegin
CREATE TRIGGER rtree_assets_geom_insert AFTER INSERT ON assets
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_assets_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_assets_geom_update1 AFTER UPDATE OF geom ON assets
WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_assets_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_assets_geom_update2 AFTER UPDATE OF geom ON assets
WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_assets_geom WHERE id = OLD.fid;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_assets_geom_update3 AFTER UPDATE ON assets
WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_assets_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_assets_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_assets_geom_update4 AFTER UPDATE ON assets
WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_assets_geom WHERE id IN (OLD.fid, NEW.fid);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_assets_geom_delete AFTER DELETE ON assets
WHEN old.geom NOT NULL
BEGIN
  DELETE FROM rtree_assets_geom WHERE id = OLD.fid;
END;
-- +goose StatementEnd

CREATE VIRTUAL TABLE rtree_memberships_geom USING rtree(id, minx, maxx, miny, maxy);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
VALUES ('memberships', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
-- +goose StatementBegin
CREATE TRIGGER rtree_memberships_geom_insert AFTER INSERT ON memberships
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_memberships_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_memberships_geom_update1 AFTER UPDATE OF geom ON memberships
WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_memberships_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_memberships_geom_update2 AFTER UPDATE OF geom ON memberships
WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_memberships_geom WHERE id = OLD.fid;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_memberships_geom_update3 AFTER UPDATE ON memberships
WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_memberships_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_memberships_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_memberships_geom_update4 AFTER UPDATE ON memberships
WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_memberships_geom WHERE id IN (OLD.fid, NEW.fid);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_memberships_geom_delete AFTER DELETE ON memberships
WHEN old.geom NOT NULL
BEGIN
  DELETE FROM rtree_memberships_geom WHERE id = OLD.fid;
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE rtree_boundary_sets_extent;
DROP TABLE rtree_areas_geom;
DROP TABLE rtree_assets_geom;
DROP TABLE rtree_memberships_geom;
DROP TABLE settings;
DROP TABLE revisions;
DROP TABLE memberships;
DROP TABLE assets;
DROP TABLE areas;
DROP TABLE boundary_sets;
DROP TABLE gpkg_extensions;
DROP TABLE gpkg_geometry_columns;
DROP TABLE gpkg_contents;
DROP TABLE gpkg_spatial_ref_sys;
