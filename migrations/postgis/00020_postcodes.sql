-- Postcodes (issue 19): every located postcode of the file `placemap import
-- postcodes` last read (ONSPD/NSPL, OS Code-Point Open or postcode,lon,lat),
-- its WGS84 point as lon, lat, the month it was terminated (YYYY-MM, NULL
-- while live) and ONSPD's usertype (0 small, 1 large user; NULL not given).
-- outward is the outward code, for search by "S8" and "S8 0". postcode_info
-- is the one row saying where they came from and under which licence
-- (ni_count: Northern Ireland postcodes, which carry their own terms). An
-- import replaces every row of both tables in one transaction.

-- +goose Up
CREATE TABLE postcodes (
	postcode text PRIMARY KEY,
	outward text NOT NULL,
	lon double precision NOT NULL,
	lat double precision NOT NULL,
	terminated text,
	usertype integer
);
CREATE INDEX postcodes_outward ON postcodes (outward);
CREATE TABLE postcode_info (
	id integer PRIMARY KEY CHECK (id = 1),
	source text NOT NULL,
	licence text NOT NULL,
	layout text NOT NULL,
	imported_at timestamptz NOT NULL,
	count bigint NOT NULL,
	terminated bigint NOT NULL,
	ni_count bigint NOT NULL,
	note text NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE postcode_info;
DROP TABLE postcodes;
