-- Search (issue 17): full-text indexes of the names of assets, areas (and
-- their codes), places (and their alternative names) and the street
-- basemap's names (and road refs): GIN indexes over the 'simple' text
-- search of the folded text (lower case, accents taken off by unaccent:
-- "cafe" finds "Café"). Expression indexes, so every write keeps them in
-- step; store/search.go and the dialect's Match spell the same expressions.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS unaccent;

-- +goose StatementBegin
CREATE FUNCTION placemap_fold(text) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
-- +goose StatementEnd

CREATE INDEX assets_search ON assets USING gin (to_tsvector('simple', placemap_fold(name)));
CREATE INDEX areas_search ON areas USING gin (to_tsvector('simple', placemap_fold(name || ' ' || code)));
CREATE INDEX places_search ON places USING gin (to_tsvector('simple', placemap_fold(name || ' ' || alt_names::text)));
CREATE INDEX basemap_names_search ON basemap_names USING gin (to_tsvector('simple', placemap_fold(name || ' ' || ref)));

-- +goose Down
DROP INDEX basemap_names_search;
DROP INDEX places_search;
DROP INDEX areas_search;
DROP INDEX assets_search;
DROP FUNCTION placemap_fold(text);
