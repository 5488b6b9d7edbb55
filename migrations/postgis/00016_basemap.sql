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
	fid bigserial PRIMARY KEY,
	band integer NOT NULL,
	last_band integer NOT NULL,
	min_zoom integer NOT NULL,
	layer text NOT NULL,
	class text NOT NULL,
	name text NOT NULL DEFAULT '',
	ref text NOT NULL DEFAULT '',
	geom geometry(Geometry, 4326) NOT NULL
);
CREATE INDEX basemap_features_geom ON basemap_features USING gist (geom);
CREATE TABLE basemap_info (
	id integer PRIMARY KEY CHECK (id = 1),
	source text NOT NULL,
	imported_at timestamptz NOT NULL,
	features bigint NOT NULL,
	min_lon double precision NOT NULL,
	min_lat double precision NOT NULL,
	max_lon double precision NOT NULL,
	max_lat double precision NOT NULL
);

-- +goose Down
DROP TABLE basemap_info;
DROP TABLE basemap_features;
