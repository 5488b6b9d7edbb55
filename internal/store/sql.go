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

// Indicators, asset counts and places (reconcile.go).
const (
	sqlAreaCodes           = `SELECT code FROM areas WHERE set_slug = $1`
	sqlAreaNames           = `SELECT code, name FROM areas WHERE set_slug = $1`
	sqlAreaExists          = `SELECT EXISTS (SELECT 1 FROM areas WHERE set_slug = $1 AND code = $2)`
	sqlIndicatorExists     = `SELECT EXISTS (SELECT 1 FROM indicators WHERE set_slug = $1 AND name = $2)`
	sqlInsertIndicator     = `INSERT INTO indicators (set_slug, name, title, kind, source, licence, attribution) VALUES ($1, $2, $3, $4, $5, $6, $7)`
	sqlInsertIndicatorVal  = `INSERT INTO indicator_values (set_slug, indicator, area_code, value) VALUES ($1, $2, $3, $4)`
	sqlNetworkInfo         = `SELECT source, built_at, report FROM networks WHERE mode = $1`
	sqlNetwork             = `SELECT source, built_at, report, graph FROM networks WHERE mode = $1`
	sqlDeleteNetwork       = `DELETE FROM networks WHERE mode = $1`
	sqlInsertNetwork       = `INSERT INTO networks (mode, source, built_at, report, graph) VALUES ($1, $2, $3, $4, $5)`
	sqlDeleteIndicatorVals = `DELETE FROM indicator_values WHERE set_slug = $1 AND indicator = $2`
	sqlDeleteIndicator     = `DELETE FROM indicators WHERE set_slug = $1 AND name = $2`
	// sqlSelectIndicators is followed by the dialect's Binary.
	sqlSelectIndicators = `SELECT set_slug, name, title, kind, source, licence, attribution FROM indicators WHERE set_slug = $1 ORDER BY name`
	sqlIndicatorValues  = `SELECT area_code, value FROM indicator_values WHERE set_slug = $1 AND indicator = $2`
	sqlAssetCounts      = `SELECT m.area_code, a.category, count(*) FROM memberships m
		JOIN assets a ON a.id = m.asset_id WHERE m.set_slug = $1 GROUP BY m.area_code, a.category`
	sqlSavePlace = `INSERT INTO places (slug, name, alt_names) VALUES ($1, $2, $3)
		ON CONFLICT (slug) DO UPDATE SET name = excluded.name, alt_names = excluded.alt_names`
	sqlDeletePlaceLinks = `DELETE FROM place_links WHERE place_slug = $1`
	sqlInsertPlaceLink  = `INSERT INTO place_links (place_slug, set_slug, area_code, confirmed, note, review) VALUES ($1, $2, $3, $4, $5, $6)`
	// sqlPlaceSlugs and sqlPlaceLinks are followed by the dialect's Binary.
	sqlPlaceSlugs = `SELECT slug FROM places ORDER BY slug`
	sqlPlace      = `SELECT name, alt_names FROM places WHERE slug = $1`
	sqlPlaceLinks = `SELECT l.set_slug, l.area_code, l.confirmed, l.note, l.review FROM place_links l
		JOIN boundary_sets b ON b.slug = l.set_slug WHERE l.place_slug = $1 ORDER BY b.fid, l.area_code`
)

// Releases and successor links (releases.go).
const (
	sqlSetExists        = `SELECT EXISTS (SELECT 1 FROM boundary_sets WHERE slug = $1)`
	sqlSetTitle         = `SELECT title FROM boundary_sets WHERE slug = $1`
	sqlSeriesOfSet      = `SELECT series FROM set_releases WHERE set_slug = $1`
	sqlSeriesExists     = `SELECT EXISTS (SELECT 1 FROM series WHERE slug = $1)`
	sqlSeriesCurrent    = `SELECT current_set FROM series WHERE slug = $1`
	sqlInsertSeries     = `INSERT INTO series (slug, title, current_set) VALUES ($1, $2, $3)`
	sqlSetCurrentSet    = `UPDATE series SET current_set = $1 WHERE slug = $2`
	sqlInsertRelease    = `INSERT INTO set_releases (set_slug, series) VALUES ($1, $2)`
	sqlIsRelease        = `SELECT EXISTS (SELECT 1 FROM set_releases WHERE series = $1 AND set_slug = $2)`
	sqlCarryPlaceLink   = sqlInsertPlaceLink + ` ON CONFLICT (place_slug, set_slug, area_code) DO NOTHING`
	sqlSelectSeriesSets = `SELECT x.slug, x.title, x.current_set, b.slug, b.release_date
		FROM series x JOIN set_releases r ON r.series = x.slug JOIN boundary_sets b ON b.slug = r.set_slug ORDER BY x.slug`
	sqlInsertSuccessor = `INSERT INTO area_successors
		(old_set, old_code, new_set, new_code, share_of_old, share_of_new, iou, status, decided_by, decided_at, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`
	sqlSelectSuccessors = `SELECT old_set, old_code, new_set, new_code, share_of_old, share_of_new, iou, status, decided_by, decided_at, note
		FROM area_successors`
	sqlSuccessorOrder  = ` ORDER BY old_set, old_code, share_of_old DESC, new_code`
	sqlDecideSuccessor = `UPDATE area_successors SET status = $1, decided_by = $2, decided_at = $3, note = $4
		WHERE old_set = $5 AND old_code = $6 AND new_set = $7 AND new_code = $8`
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
	sqlInsertSuggestion  = `INSERT INTO suggestions (id, kind, asset_id, data, comment, author, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
	sqlDecideSuggestion = `UPDATE suggestions SET status = $1, reason = $2, decided_by = $3, decided_at = $4
		WHERE id = $5 AND status = 'pending'`
	sqlSuggestionMergedInto = `UPDATE suggestions SET asset_id = $1 WHERE id = $2`
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
	sqlDecideProposal = `UPDATE conflation_proposals SET status = $1, reason = $2, decided_by = $3, decided_at = $4, data = $5
		WHERE id = $6 AND status = 'pending'`
)
