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
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('street', 'place')),
	class TEXT NOT NULL,
	name TEXT NOT NULL,
	ref TEXT NOT NULL DEFAULT '',
	lon REAL NOT NULL,
	lat REAL NOT NULL,
	min_lon REAL NOT NULL,
	min_lat REAL NOT NULL,
	max_lon REAL NOT NULL,
	max_lat REAL NOT NULL
);
CREATE INDEX basemap_names_name ON basemap_names (name);

-- +goose Down
DROP TABLE basemap_names;
