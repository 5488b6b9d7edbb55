-- Accounts, server-side sessions and API tokens. Sessions and tokens are
-- kept as hashes of their secrets.

-- +goose Up
CREATE TABLE users (
  fid bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  email text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('admin','moderator','editor','contributor')),
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE TABLE sessions (
  fid bigserial PRIMARY KEY,
  hash text NOT NULL UNIQUE,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE TABLE api_tokens (
  fid bigserial PRIMARY KEY,
  hash text NOT NULL UNIQUE,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
