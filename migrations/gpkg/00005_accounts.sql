-- Accounts, server-side sessions and API tokens. Sessions and tokens are
-- kept as hashes of their secrets.

-- +goose Up
CREATE TABLE users (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin','moderator','editor','contributor')),
  password_hash TEXT NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE TABLE sessions (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  expires_at DATETIME NOT NULL
);
CREATE TABLE api_tokens (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
 ('users', 'attributes', 'users', 'placemap: accounts'),
 ('sessions', 'attributes', 'sessions', 'placemap: signed-in browsers (hashed)'),
 ('api_tokens', 'attributes', 'api_tokens', 'placemap: API tokens (hashed)');

-- +goose Down
DELETE FROM gpkg_contents WHERE table_name IN ('users', 'sessions', 'api_tokens');
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
