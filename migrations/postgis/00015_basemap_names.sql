-- The named things of the street basemap (issue 17): streets and place
-- names, one row per street name per stretch of town (ways of one name
-- near each other merged) and per place node. `placemap import basemap`
-- replaces every row in the transaction that replaces the basemap; search
-- reads them. kind: 'street' or 'place'; class: the road class (primary,
-- residential, footway…) or the place type (city, suburb, neighbourhood…).
-- lon/lat: a point on it (the middle of the stretch, the place node);
-- the bbox covers it all. WGS84.

-- +goose Up
CREATE TABLE basemap_names (
	id bigserial PRIMARY KEY,
	kind text NOT NULL CHECK (kind IN ('street', 'place')),
	class text NOT NULL,
	name text NOT NULL,
	ref text NOT NULL DEFAULT '',
	lon double precision NOT NULL,
	lat double precision NOT NULL,
	min_lon double precision NOT NULL,
	min_lat double precision NOT NULL,
	max_lon double precision NOT NULL,
	max_lat double precision NOT NULL
);
CREATE INDEX basemap_names_name ON basemap_names (name);

-- +goose Down
DROP TABLE basemap_names;
