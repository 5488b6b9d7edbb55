-- Set proposals (issue 18): a boundary set proposed from whole building
-- blocks (placemap propose-set, POST /api/proposals/sets), kept as a draft
-- editors refine block by block and publish as releases of a series.
-- params, assignment (block code → area code), names (area code → name),
-- report (the engine's last scores) and published (set slugs, oldest
-- first) are JSON; version counts every change (optimistic concurrency).

-- +goose Up
CREATE TABLE set_proposals (
  fid bigserial UNIQUE,
  slug text PRIMARY KEY,
  title text NOT NULL,
  kind text NOT NULL,
  blocks_set text NOT NULL,
  params jsonb NOT NULL,
  assignment jsonb NOT NULL,
  names jsonb NOT NULL,
  report jsonb NOT NULL DEFAULT '{}',
  areas integer NOT NULL DEFAULT 0,
  overall double precision NOT NULL DEFAULT 0,
  version bigint NOT NULL DEFAULT 1,
  series text NOT NULL,
  status text NOT NULL CHECK (status IN ('published','draft')),
  published jsonb NOT NULL DEFAULT '[]',
  author text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE set_proposals;
