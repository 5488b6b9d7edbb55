-- Suggestions may also be neighbourhoods drawn by residents (kind area);
-- data then holds the drawing and the place it defines. SQLite cannot
-- alter a CHECK constraint, so the table is rebuilt with its rows.

-- +goose Up
CREATE TABLE suggestions_new (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('new','correction','closure','area')),
  asset_id TEXT NOT NULL,
  data TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','accepted','rejected')),
  reason TEXT NOT NULL DEFAULT '',
  decided_by TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  decided_at DATETIME
);
INSERT INTO suggestions_new (fid, id, kind, asset_id, data, comment, author, status, reason, decided_by, created_at, decided_at)
  SELECT fid, id, kind, asset_id, data, comment, author, status, reason, decided_by, created_at, decided_at FROM suggestions;
DROP TABLE suggestions;
ALTER TABLE suggestions_new RENAME TO suggestions;
CREATE INDEX suggestions_status ON suggestions (status, fid);

-- +goose Down
DELETE FROM suggestions WHERE kind = 'area';
CREATE TABLE suggestions_old (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('new','correction','closure')),
  asset_id TEXT NOT NULL,
  data TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','accepted','rejected')),
  reason TEXT NOT NULL DEFAULT '',
  decided_by TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  decided_at DATETIME
);
INSERT INTO suggestions_old SELECT * FROM suggestions;
DROP TABLE suggestions;
ALTER TABLE suggestions_old RENAME TO suggestions;
CREATE INDEX suggestions_status ON suggestions (status, fid);
