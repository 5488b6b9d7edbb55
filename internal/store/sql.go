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

// Accounts.
const (
	sqlInsertUser = `INSERT INTO users (id, email, role, password_hash, created_at, scopes, display_name)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`
	sqlSelectUser        = `SELECT id, email, role, password_hash, created_at, scopes, display_name FROM users WHERE `
	sqlSetDisplayName    = `UPDATE users SET display_name = $1 WHERE id = $2`
	sqlGrantedScopes     = `SELECT DISTINCT scopes FROM users WHERE scopes <> '[]'`
	sqlInsertSession     = `INSERT INTO sessions (hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`
	sqlSelectSession     = `SELECT hash, user_id, csrf, created_at, expires_at FROM sessions WHERE hash = $1`
	sqlDeleteSession     = `DELETE FROM sessions WHERE hash = $1`
	sqlInsertToken       = `INSERT INTO api_tokens (hash, user_id, name, created_at) VALUES ($1, $2, $3, $4)`
	sqlSelectTokens      = `SELECT hash, user_id, name, created_at FROM api_tokens WHERE `
	sqlDeleteTokens      = `DELETE FROM api_tokens WHERE user_id = $1`
	sqlDeleteTokenWithID = `DELETE FROM api_tokens WHERE user_id = $1 AND substr(hash, 1, 16) = $2`
)

// Suggestions.
const (
	sqlSuggestionColumns = `id, kind, asset_id, data, comment, author, status, reason, decided_by, created_at, decided_at`
	sqlCountSuggestions  = `SELECT count(*) FROM suggestions`
)

// Conflation.
const (
	sqlInsertConflationRun = `INSERT INTO conflation_runs (id, file, data, created_at) VALUES ($1, $2, $3, $4)`
	sqlSupersedeProposals  = `UPDATE conflation_proposals SET status = 'superseded', decided_at = $1 WHERE status = 'pending' AND `
	sqlUpsertVerdict       = `INSERT INTO conflation_verdicts (asset_id, run, file, asset_version, outcome, osm_refs, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (asset_id) DO UPDATE SET run = excluded.run, file = excluded.file, asset_version = excluded.asset_version,
		  outcome = excluded.outcome, osm_refs = excluded.osm_refs, created_at = excluded.created_at`
	sqlInsertProposal = `INSERT INTO conflation_proposals (id, run, file, outcome, asset_id, osm_ref, data, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8)`
	sqlSelectConflationRuns = `SELECT id, file, data, created_at FROM conflation_runs ORDER BY fid DESC LIMIT $1`
	sqlSelectVerdicts       = `SELECT asset_id, run, file, asset_version, outcome, osm_refs, created_at FROM conflation_verdicts ORDER BY asset_id`
	sqlSelectProposals      = `SELECT id, run, file, outcome, asset_id, osm_ref, data, status, reason, decided_by, created_at, decided_at
		FROM conflation_proposals WHERE `
)
