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

// Assets.
const (
	sqlMemberships = `SELECT m.asset_id, m.set_slug, bs.title, m.area_code, ar.name
		FROM memberships m
		JOIN boundary_sets bs ON bs.slug = m.set_slug
		JOIN areas ar ON ar.set_slug = m.set_slug AND ar.code = m.area_code
		WHERE m.asset_id = $1 ORDER BY bs.fid`
	sqlAssetVersion     = `SELECT version FROM assets WHERE id = $1`
	sqlMembershipUpsert = `INSERT INTO memberships (geom, asset_id, set_slug, area_code) VALUES (%s, $2, $3, $4)
		ON CONFLICT (asset_id, set_slug) DO UPDATE SET area_code = excluded.area_code, geom = excluded.geom`
)
