-- Drawings (issue 18): residents' drawings of a place, kept as evidence of
-- where people think it is, never as areas of a boundary set. A drawing
-- keeps no author: the suggestion that brought it keeps that, for
-- moderation. key_hash is the SHA-256 of the private key its resident
-- comes back with ('' for imported drawings). answers is a JSON list of
-- {question, answer}.

-- +goose Up
CREATE TABLE drawings (
  fid bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  place_slug text NOT NULL DEFAULT '',
  name text NOT NULL,
  answers jsonb NOT NULL DEFAULT '[]',
  source text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending','published','rejected')),
  key_hash text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  geom geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX drawings_place ON drawings (place_slug, status, fid);

-- +goose Down
DROP TABLE drawings;
