-- Tile versions (issue 21): the version of each tile layer's data, so a
-- write changes the URLs and cache keys of the layers it changed and no
-- other. layer is a key the store names (store.TileVersions): 'assets',
-- 'basemap', 'set:<slug>', 'series:<slug>', or '*' for every layer. A
-- bump sets a key's version to the data version of the transaction that
-- bumps it, so versions only grow and are never reused, whatever key; a
-- layer's version is the larger of its key's and '*''s. They start at the
-- data version, so tile URLs made before stay right.

-- +goose Up
CREATE TABLE tile_versions (
  layer TEXT PRIMARY KEY,
  version INTEGER NOT NULL
);
INSERT INTO tile_versions (layer, version) SELECT '*', CAST(value AS INTEGER) FROM settings WHERE key = 'data_version';
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
 ('tile_versions', 'attributes', 'tile_versions', 'placemap: the data version of each tile layer');

-- +goose Down
DELETE FROM gpkg_contents WHERE table_name = 'tile_versions';
DROP TABLE tile_versions;
