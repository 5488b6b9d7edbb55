-- Suggestions: changes proposed by contributors and visitors, waiting for a
-- moderator. data holds the proposed asset as a revision record does.

-- +goose Up
CREATE TABLE suggestions (
  fid bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('new','correction','closure')),
  asset_id text NOT NULL,
  data jsonb NOT NULL,
  comment text NOT NULL DEFAULT '',
  author text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending','accepted','rejected')),
  reason text NOT NULL DEFAULT '',
  decided_by text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  decided_at timestamptz
);
CREATE INDEX suggestions_status ON suggestions (status, fid);

-- +goose Down
DROP TABLE suggestions;
