package store

// The SQL every dialect shares, in one place. Parameters are $1, $2…;
// where the databases differ (geometry, lists, the spatial index), the
// statement is built with the Dialect's fragments where it is used.

const (
	sqlDataVersion     = `SELECT CAST(value AS BIGINT) FROM settings WHERE key = 'data_version'`
	sqlBumpDataVersion = `UPDATE settings SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'data_version'`
)
