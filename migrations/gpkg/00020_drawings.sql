-- Drawings (issue 18): residents' drawings of a place, kept as evidence of
-- where people think it is, never as areas of a boundary set. A drawing
-- keeps no author: the suggestion that brought it keeps that, for
-- moderation. key_hash is the SHA-256 of the private key its resident
-- comes back with ('' for imported drawings). answers is a JSON list of
-- {question, answer}.

-- +goose Up
CREATE TABLE drawings (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  place_slug TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  answers TEXT NOT NULL DEFAULT '[]',
  source TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','published','rejected')),
  key_hash TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  geom BLOB NOT NULL
);
CREATE INDEX drawings_place ON drawings (place_slug, status, fid);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
 ('drawings', 'features', 'drawings', 'placemap: residents'' drawings of places', 4326);
INSERT INTO gpkg_geometry_columns VALUES ('drawings', 'geom', 'MULTIPOLYGON', 4326, 0, 0);

-- +goose Down
DELETE FROM gpkg_geometry_columns WHERE table_name = 'drawings';
DELETE FROM gpkg_contents WHERE table_name = 'drawings';
DROP TABLE drawings;
