-- Zoom bands (issue 21): each area's geometry generalised for the tiles of
-- a band of zooms (store.BandTops, store.Generalise), so low-zoom tiles
-- read a few vertices an area rather than every one. band is the band's
-- top zoom; geom is a GeoPackage geometry blob. An area has a row for a
-- band only where generalising pays; tiles read the full geometry
-- otherwise. Every write of an area's geometry writes its rows in the same
-- transaction; the store fills them for the areas already here when it
-- opens after this migration (the 'area_bands' setting says it must).

-- +goose Up
CREATE TABLE area_bands (
  fid INTEGER NOT NULL REFERENCES areas(fid) ON DELETE CASCADE,
  band INTEGER NOT NULL,
  geom BLOB NOT NULL,
  PRIMARY KEY (fid, band)
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
 ('area_bands', 'attributes', 'area_bands', 'placemap: areas'' geometry generalised for bands of tile zooms');
INSERT INTO settings (key, value) SELECT 'area_bands', 'fill' WHERE EXISTS (SELECT 1 FROM areas);

-- +goose Down
DELETE FROM settings WHERE key = 'area_bands';
DELETE FROM gpkg_contents WHERE table_name = 'area_bands';
DROP TABLE area_bands;
