-- The street basemap (issue 17): the features of an OpenStreetMap extract
-- that `placemap import basemap` keeps, drawn as /tiles/basemap. Each
-- feature is stored simplified for each zoom band it shows in (band 0:
-- z0-8, 1: z9-11, 2: z12-13, 3: z14 and deeper), so low-zoom tiles read
-- few, light rows; one row serves the bands band..last_band where the
-- simplification leaves the same geometry. layer: roads, paths, railways, waterways,
-- water, landuse, buildings or places; class: what kind within the layer
-- (motorway, footway, river, park…); min_zoom: the first zoom it shows at.
-- basemap_info is the one row saying what the basemap was made from; no
-- row, no basemap. An import replaces every row of both tables, and of
-- basemap_names, in one transaction.

-- +goose Up
CREATE TABLE basemap_features (
	fid INTEGER PRIMARY KEY AUTOINCREMENT,
	band INTEGER NOT NULL,
	last_band INTEGER NOT NULL,
	min_zoom INTEGER NOT NULL,
	layer TEXT NOT NULL,
	class TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	ref TEXT NOT NULL DEFAULT '',
	geom BLOB NOT NULL
);
CREATE TABLE basemap_info (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	source TEXT NOT NULL,
	imported_at DATETIME NOT NULL,
	features INTEGER NOT NULL,
	min_lon REAL NOT NULL,
	min_lat REAL NOT NULL,
	max_lon REAL NOT NULL,
	max_lat REAL NOT NULL
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
 ('basemap_features', 'features', 'basemap_features', 'placemap street basemap from OpenStreetMap (ODbL), one row per feature per zoom band it differs in', 4326);
INSERT INTO gpkg_geometry_columns VALUES ('basemap_features', 'geom', 'GEOMETRY', 4326, 0, 0);

CREATE VIRTUAL TABLE rtree_basemap_features_geom USING rtree(id, minx, maxx, miny, maxy);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
VALUES ('basemap_features', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
-- +goose StatementBegin
CREATE TRIGGER rtree_basemap_features_geom_insert AFTER INSERT ON basemap_features
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_basemap_features_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_basemap_features_geom_update AFTER UPDATE ON basemap_features
BEGIN
  DELETE FROM rtree_basemap_features_geom WHERE id IN (OLD.fid, NEW.fid);
  INSERT OR REPLACE INTO rtree_basemap_features_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rtree_basemap_features_geom_delete AFTER DELETE ON basemap_features
WHEN old.geom NOT NULL
BEGIN
  DELETE FROM rtree_basemap_features_geom WHERE id = OLD.fid;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER rtree_basemap_features_geom_insert;
DROP TRIGGER rtree_basemap_features_geom_update;
DROP TRIGGER rtree_basemap_features_geom_delete;
DROP TABLE rtree_basemap_features_geom;
DELETE FROM gpkg_extensions WHERE table_name = 'basemap_features';
DELETE FROM gpkg_geometry_columns WHERE table_name = 'basemap_features';
DELETE FROM gpkg_contents WHERE table_name = 'basemap_features';
DROP TABLE basemap_info;
DROP TABLE basemap_features;
