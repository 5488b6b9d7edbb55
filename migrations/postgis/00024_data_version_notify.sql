-- The data version is announced (issue 21): every change of it sends a
-- notification on the channel placemap_data_version, its payload the new
-- version. NOTIFY is transactional: it is delivered when the write
-- commits, never for one rolled back. Each instance LISTENs on a
-- connection of its own (store/postgis/listen.go) and so knows the
-- version without reading it for every cached tile. A trigger rather than
-- a statement of placemap's: every writer announces, whatever its
-- version of placemap.
--
-- Numbered 00024: 00023 is left to the per-layer versions of the same
-- issue.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION placemap_notify_data_version() RETURNS trigger
	LANGUAGE plpgsql
	AS $$
BEGIN
	PERFORM pg_notify('placemap_data_version', NEW.value);
	RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER settings_data_version_notify
	AFTER INSERT OR UPDATE ON settings
	FOR EACH ROW WHEN (NEW.key = 'data_version')
	EXECUTE FUNCTION placemap_notify_data_version();

-- +goose Down
DROP TRIGGER settings_data_version_notify ON settings;
DROP FUNCTION placemap_notify_data_version();
