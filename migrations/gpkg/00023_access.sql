-- Walking access (issue 20): the routing graph `placemap import network`
-- builds from an OpenStreetMap extract, one per mode (walk or cycle).
-- graph is network.Graph.MarshalBinary (versioned, checksummed); report is
-- the build report as JSON (ways, vertices, edges, metres, largest
-- component share, ways skipped by reason). An import replaces the row of
-- its mode in one statement: a failed import keeps the old network.

-- +goose Up
CREATE TABLE networks (
	mode TEXT PRIMARY KEY CHECK (mode IN ('walk', 'cycle')),
	source TEXT NOT NULL,
	built_at DATETIME NOT NULL,
	report TEXT NOT NULL,
	graph BLOB NOT NULL
);

-- +goose Down
DROP TABLE networks;
