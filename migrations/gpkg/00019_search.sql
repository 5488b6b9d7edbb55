-- Search (issue 17): full-text indexes of the names of assets, areas (and
-- their codes), places (and their alternative names) and the street
-- basemap's names (and road refs). FTS5 external-content tables over the
-- base tables, folded by the unicode61 tokenizer (case and diacritics:
-- "cafe" finds "Café"), with prefix indexes for type-ahead; the triggers
-- keep them in step with every write, whichever workflow makes it.
-- store/search.go reads them; search.Rank orders what they find.

-- +goose Up
CREATE VIRTUAL TABLE assets_fts USING fts5(name, content='assets', content_rowid='fid',
	tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE VIRTUAL TABLE areas_fts USING fts5(name, code, content='areas', content_rowid='fid',
	tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE VIRTUAL TABLE places_fts USING fts5(name, alt_names, content='places', content_rowid='fid',
	tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE VIRTUAL TABLE basemap_names_fts USING fts5(name, ref, content='basemap_names', content_rowid='id',
	tokenize='unicode61 remove_diacritics 2', prefix='2 3');

INSERT INTO assets_fts (assets_fts) VALUES ('rebuild');
INSERT INTO areas_fts (areas_fts) VALUES ('rebuild');
INSERT INTO places_fts (places_fts) VALUES ('rebuild');
INSERT INTO basemap_names_fts (basemap_names_fts) VALUES ('rebuild');

-- +goose StatementBegin
CREATE TRIGGER assets_fts_insert AFTER INSERT ON assets BEGIN
	INSERT INTO assets_fts (rowid, name) VALUES (new.fid, new.name);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER assets_fts_delete AFTER DELETE ON assets BEGIN
	INSERT INTO assets_fts (assets_fts, rowid, name) VALUES ('delete', old.fid, old.name);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER assets_fts_update AFTER UPDATE OF name ON assets BEGIN
	INSERT INTO assets_fts (assets_fts, rowid, name) VALUES ('delete', old.fid, old.name);
	INSERT INTO assets_fts (rowid, name) VALUES (new.fid, new.name);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER areas_fts_insert AFTER INSERT ON areas BEGIN
	INSERT INTO areas_fts (rowid, name, code) VALUES (new.fid, new.name, new.code);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER areas_fts_delete AFTER DELETE ON areas BEGIN
	INSERT INTO areas_fts (areas_fts, rowid, name, code) VALUES ('delete', old.fid, old.name, old.code);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER areas_fts_update AFTER UPDATE OF name, code ON areas BEGIN
	INSERT INTO areas_fts (areas_fts, rowid, name, code) VALUES ('delete', old.fid, old.name, old.code);
	INSERT INTO areas_fts (rowid, name, code) VALUES (new.fid, new.name, new.code);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER places_fts_insert AFTER INSERT ON places BEGIN
	INSERT INTO places_fts (rowid, name, alt_names) VALUES (new.fid, new.name, new.alt_names);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER places_fts_delete AFTER DELETE ON places BEGIN
	INSERT INTO places_fts (places_fts, rowid, name, alt_names) VALUES ('delete', old.fid, old.name, old.alt_names);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER places_fts_update AFTER UPDATE OF name, alt_names ON places BEGIN
	INSERT INTO places_fts (places_fts, rowid, name, alt_names) VALUES ('delete', old.fid, old.name, old.alt_names);
	INSERT INTO places_fts (rowid, name, alt_names) VALUES (new.fid, new.name, new.alt_names);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER basemap_names_fts_insert AFTER INSERT ON basemap_names BEGIN
	INSERT INTO basemap_names_fts (rowid, name, ref) VALUES (new.id, new.name, new.ref);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER basemap_names_fts_delete AFTER DELETE ON basemap_names BEGIN
	INSERT INTO basemap_names_fts (basemap_names_fts, rowid, name, ref) VALUES ('delete', old.id, old.name, old.ref);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER basemap_names_fts_update AFTER UPDATE OF name, ref ON basemap_names BEGIN
	INSERT INTO basemap_names_fts (basemap_names_fts, rowid, name, ref) VALUES ('delete', old.id, old.name, old.ref);
	INSERT INTO basemap_names_fts (rowid, name, ref) VALUES (new.id, new.name, new.ref);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER basemap_names_fts_update;
DROP TRIGGER basemap_names_fts_delete;
DROP TRIGGER basemap_names_fts_insert;
DROP TRIGGER places_fts_update;
DROP TRIGGER places_fts_delete;
DROP TRIGGER places_fts_insert;
DROP TRIGGER areas_fts_update;
DROP TRIGGER areas_fts_delete;
DROP TRIGGER areas_fts_insert;
DROP TRIGGER assets_fts_update;
DROP TRIGGER assets_fts_delete;
DROP TRIGGER assets_fts_insert;
DROP TABLE basemap_names_fts;
DROP TABLE places_fts;
DROP TABLE areas_fts;
DROP TABLE assets_fts;
