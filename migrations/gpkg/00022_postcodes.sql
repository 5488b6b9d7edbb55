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
	postcode TEXT PRIMARY KEY,
	outward TEXT NOT NULL,
	lon REAL NOT NULL,
	lat REAL NOT NULL,
	terminated TEXT,
	usertype INTEGER
) WITHOUT ROWID;
CREATE INDEX postcodes_outward ON postcodes (outward);
CREATE TABLE postcode_info (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	source TEXT NOT NULL,
	licence TEXT NOT NULL,
	layout TEXT NOT NULL,
	imported_at DATETIME NOT NULL,
	count INTEGER NOT NULL,
	terminated INTEGER NOT NULL,
	ni_count INTEGER NOT NULL,
	note TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE postcode_info;
DROP TABLE postcodes;
