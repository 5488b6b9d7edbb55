package store

// The SQL every dialect shares, in one place. Parameters are $1, $2…;
// where the databases differ (geometry, lists, the spatial index), the
// statement is built with the Dialect's fragments where it is used.

const (
	sqlDataVersion     = `SELECT CAST(value AS BIGINT) FROM settings WHERE key = 'data_version'`
	sqlBumpDataVersion = `UPDATE settings SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'data_version'`
)

// Revisions.
const (
	sqlInsertRevision = `INSERT INTO revisions (entity, entity_id, action, author, comment, data, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`
	sqlSelectRevisions = `SELECT fid, entity, entity_id, action, author, comment, data, created_at FROM revisions WHERE `
)
