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
  layer text PRIMARY KEY,
  version bigint NOT NULL
);
INSERT INTO tile_versions (layer, version) SELECT '*', CAST(value AS bigint) FROM settings WHERE key = 'data_version';

-- +goose Down
DROP TABLE tile_versions;
