-- Walking access (issue 20): the routing graph `placemap import network`
-- builds from an OpenStreetMap extract, one per mode (walk or cycle).
-- graph is network.Graph.MarshalBinary (versioned, checksummed); report is
-- the build report as JSON (ways, vertices, edges, metres, largest
-- component share, ways skipped by reason). An import replaces the row of
-- its mode in one statement: a failed import keeps the old network.
--
-- Indicators gain the kind asset: a value that is an asset's FID (each
-- area's nearest library), named rather than measured, never moved.

-- +goose Up
CREATE TABLE networks (
	mode text PRIMARY KEY CHECK (mode IN ('walk', 'cycle')),
	source text NOT NULL,
	built_at timestamptz NOT NULL,
	report text NOT NULL,
	graph bytea NOT NULL
);
ALTER TABLE indicators DROP CONSTRAINT indicators_kind_check;
ALTER TABLE indicators ADD CONSTRAINT indicators_kind_check CHECK (kind IN ('count', 'rate', 'asset'));

-- +goose Down
DROP TABLE networks;
DELETE FROM indicators WHERE kind = 'asset';
ALTER TABLE indicators DROP CONSTRAINT indicators_kind_check;
ALTER TABLE indicators ADD CONSTRAINT indicators_kind_check CHECK (kind IN ('count', 'rate'));
