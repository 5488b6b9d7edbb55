-- Asset name search without reading every asset (issue 21): a trigram
-- index (pg_trgm) of assets' name_key, which PostgreSQL uses for the
-- `name_key LIKE '%word%'` of the asset list's q (store.NameSearchPattern)
-- and its count. The query is unchanged, so the answers are: the index
-- only finds the candidate rows, which PostgreSQL checks against the LIKE
-- itself. A word of fewer than three characters has no trigram and reads
-- every asset's key as before.
--
-- pg_trgm is a trusted extension (PostgreSQL 13 and later): the database's
-- owner may create it without being a superuser, as long as it may create
-- in the public schema (the owner may, by pg_database_owner, since
-- PostgreSQL 15). Where the role may not, a superuser runs
-- `CREATE EXTENSION pg_trgm` in the database once, first.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX assets_name_key_trgm ON assets USING gin (name_key gin_trgm_ops);

-- +goose Down
DROP INDEX assets_name_key_trgm;
