package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/placemap/placemap/internal/place"
)

// Set proposals: boundary sets proposed from whole building blocks, kept as
// drafts editors refine and publish as releases of a series. What a
// proposal holds and its rules are place.SetProposal's; solving, scoring
// and the areas' shapes are the proposing workflow's (internal/proposals).
// Each publish is the set import and release workflow (import.go,
// releases.go) in the same transaction as the proposal's own change.

const (
	sqlSetProposalColumns = `slug, title, kind, blocks_set, params, names, report, areas, overall, version, series, status, published,
		author, created_at, updated_at`
	sqlInsertSetProposal = `INSERT INTO set_proposals (slug, title, kind, blocks_set, params, assignment, names, report, areas, overall,
		version, series, status, published, author, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $12, $13, $14, $15, $15)`
	sqlSetProposalExists = `SELECT EXISTS (SELECT 1 FROM set_proposals WHERE slug = $1)`
	sqlSetProposalVer    = `SELECT version FROM set_proposals WHERE slug = $1`
	sqlUpdateSetProposal = `UPDATE set_proposals SET assignment = $1, names = $2, report = $3, areas = $4, overall = $5,
		status = 'draft', version = version + 1, updated_at = $6 WHERE slug = $7 AND version = $8`
	sqlPublishSetProposal = `UPDATE set_proposals SET published = $1, status = 'published', version = version + 1, updated_at = $2
		WHERE slug = $3 AND version = $4`
)

// CreateSetProposal keeps a new proposal and publishes its first set in
// one transaction: set (with areas, the draft's areas) is imported as the
// first release of the new series p.Series, and the proposal records it as
// published. p's version, status, published list, author and times are
// the store's to set; it returns the proposal as kept. EINVALID for a
// proposal, set or area that breaks a rule; ECONFLICT when the proposal's
// slug, the set's or the series' is taken.
func (db *DB) CreateSetProposal(ctx context.Context, p place.SetProposal, set place.BoundarySet, areas []place.Area) (place.SetProposal, error) {
	p.Status, p.Published, p.Version, p.Author = place.ProposalPublished, []string{set.Slug}, 1, AuthorOf(ctx).Author
	if err := p.Check(); err != nil {
		return p, err
	}
	if err := place.CheckSet(&set, areas); err != nil {
		return p, err
	}
	cols, err := proposalJSON(p)
	if err != nil {
		return p, err
	}
	err = db.write(ctx, func(tx *Tx) error {
		tx.tiles() // its own statements write no tile layer's data; the helpers that do name their layers
		p.CreatedAt, p.UpdatedAt = tx.now, tx.now
		for _, c := range []struct{ sql, what, slug string }{
			{sqlSetProposalExists, "set proposal", p.Slug}, {sqlSeriesExists, "series", p.Series},
		} {
			var taken bool
			if err := tx.QueryRow(ctx, c.sql, c.slug).Scan(&taken); err != nil {
				return fmt.Errorf("check %s %s: %w", c.what, c.slug, err)
			}
			if taken {
				return place.Errorf(place.ECONFLICT, "a %s %q exists already", c.what, c.slug)
			}
		}
		if _, err := importSetIn(ctx, tx, set, areas, &place.Release{Series: p.Series, SeriesTitle: p.Title, Current: true}); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlInsertSetProposal, p.Slug, p.Title, string(p.Kind), p.Blocks, cols.params, cols.assignment,
			cols.names, cols.report, p.Areas, p.Overall, p.Series, p.Status, cols.published, p.Author, dbTime(tx.now)); err != nil {
			return fmt.Errorf("insert set proposal %s: %w", p.Slug, err)
		}
		return addRevision(ctx, tx, "set_proposal", p.Slug, "create",
			map[string]any{"set": set.Slug, "series": p.Series, "blocks": p.Blocks, "areas": p.Areas, "overall": p.Overall})
	})
	return p, err
}

// SetProposal returns one proposal with its draft; ENOTFOUND.
func (db *DB) SetProposal(ctx context.Context, slug string) (place.SetProposal, error) {
	var assignment string
	p, err := scanSetProposal(db.d.Conns.Reads().QueryRow(ctx,
		`SELECT `+sqlSetProposalColumns+`, assignment FROM set_proposals WHERE slug = $1`, slug), &assignment)
	if noRows(err) {
		return p, place.Errorf(place.ENOTFOUND, "no set proposal %q", slug)
	}
	if err == nil {
		err = json.Unmarshal([]byte(assignment), &p.Assignment)
	}
	if err != nil {
		return p, fmt.Errorf("set proposal %s: %w", slug, err)
	}
	return p, nil
}

// SetProposals lists every proposal, newest change first, without their
// assignments (Assignment nil).
func (db *DB) SetProposals(ctx context.Context) ([]place.SetProposal, error) {
	rows, err := db.d.Conns.Reads().Query(ctx, `SELECT `+sqlSetProposalColumns+` FROM set_proposals ORDER BY updated_at DESC, fid DESC`)
	out, err := collect(rows, err, func(r Row) (place.SetProposal, error) { return scanSetProposal(r) })
	if err != nil {
		return nil, fmt.Errorf("list set proposals: %w", err)
	}
	return out, nil
}

// UpdateSetProposal saves a changed draft — p's assignment, names, report,
// areas and overall — if the proposal is still at version ifVersion, and
// returns its new version; the proposal is then a draft again (changed
// since published). ENOTFOUND for no such proposal; ECONFLICT when it has
// changed since ifVersion; EINVALID for a draft that breaks a rule.
func (db *DB) UpdateSetProposal(ctx context.Context, p place.SetProposal, ifVersion int64) (int64, error) {
	p.Status = place.ProposalDraft
	if p.Series == "" {
		p.Series = p.Slug
	}
	if err := p.Check(); err != nil {
		return 0, err
	}
	cols, err := proposalJSON(p)
	if err != nil {
		return 0, err
	}
	var v int64
	err = db.write(ctx, func(tx *Tx) error {
		tx.tiles() // its own statements write no tile layer's data; the helpers that do name their layers
		n, err := tx.Exec(ctx, sqlUpdateSetProposal, cols.assignment, cols.names, cols.report, p.Areas, p.Overall, dbTime(tx.now), p.Slug, ifVersion)
		if err != nil {
			return fmt.Errorf("update set proposal %s: %w", p.Slug, err)
		}
		if n == 0 {
			return staleProposal(ctx, tx, p.Slug, ifVersion)
		}
		v = ifVersion + 1
		return addRevision(ctx, tx, "set_proposal", p.Slug, "update", map[string]any{"version": v, "areas": p.Areas, "overall": p.Overall})
	})
	return v, err
}

// PublishSetProposal publishes a proposal's draft, if it is still at
// version ifVersion, as a new boundary set: set with areas (the draft's
// areas) is imported as release r of the proposal's series, and the
// proposal records it as published (its version goes up by one; the
// proposal as it stands after is returned). ENOTFOUND for no such
// proposal; ECONFLICT when it changed since ifVersion or the set's slug is
// taken; EINVALID for a release of another series, or a set, area or link
// that breaks a rule.
func (db *DB) PublishSetProposal(ctx context.Context, slug string, ifVersion int64, set place.BoundarySet, areas []place.Area, r place.Release) (place.SetProposal, error) {
	if err := place.CheckSet(&set, areas); err != nil {
		return place.SetProposal{}, err
	}
	if err := place.CheckRelease(set.Slug, r); err != nil {
		return place.SetProposal{}, err
	}
	err := db.write(ctx, func(tx *Tx) error {
		tx.tiles() // its own statements write no tile layer's data; the helpers that do name their layers
		var published, series string
		err := tx.QueryRow(ctx, `SELECT published, series FROM set_proposals WHERE slug = $1 AND version = $2`, slug, ifVersion).Scan(&published, &series)
		if noRows(err) {
			return staleProposal(ctx, tx, slug, ifVersion)
		}
		if err != nil {
			return fmt.Errorf("set proposal %s: %w", slug, err)
		}
		if r.Series != series {
			return place.Errorf(place.EINVALID, "set proposal %s publishes releases of series %q, not %q", slug, series, r.Series)
		}
		var sets []string
		if err := json.Unmarshal([]byte(published), &sets); err != nil {
			return fmt.Errorf("set proposal %s: %w", slug, err)
		}
		if _, err := importSetIn(ctx, tx, set, areas, &r); err != nil {
			return err
		}
		b, _ := json.Marshal(append(sets, set.Slug))
		if _, err := tx.Exec(ctx, sqlPublishSetProposal, string(b), dbTime(tx.now), slug, ifVersion); err != nil {
			return fmt.Errorf("publish set proposal %s: %w", slug, err)
		}
		return addRevision(ctx, tx, "set_proposal", slug, "publish",
			map[string]any{"set": set.Slug, "series": series, "version": ifVersion + 1, "successors": len(r.Successors)})
	})
	if err != nil {
		return place.SetProposal{}, err
	}
	return db.SetProposal(ctx, slug)
}

// staleProposal is the error for a change to a proposal no longer at
// version ifVersion: ENOTFOUND if it is gone, else ECONFLICT naming the
// version it is at.
func staleProposal(ctx context.Context, c Conn, slug string, ifVersion int64) error {
	var now int64
	err := c.QueryRow(ctx, sqlSetProposalVer, slug).Scan(&now)
	if noRows(err) {
		return place.Errorf(place.ENOTFOUND, "no set proposal %q", slug)
	}
	if err != nil {
		return fmt.Errorf("set proposal %s: %w", slug, err)
	}
	return place.Errorf(place.ECONFLICT, "set proposal %s is at version %d, not %d: someone changed it since you read it; reload it", slug, now, ifVersion)
}

// proposalCols are a proposal's JSON columns as parameters.
type proposalCols struct{ params, assignment, names, report, published string }

func proposalJSON(p place.SetProposal) (proposalCols, error) {
	var c proposalCols
	params, report := p.Params, p.Report
	if len(params) == 0 {
		params = json.RawMessage(`{}`)
	}
	if len(report) == 0 {
		report = json.RawMessage(`{}`)
	}
	if !json.Valid(params) || !json.Valid(report) {
		return c, place.Errorf(place.EINVALID, "set proposal %s: params and report must be JSON", p.Slug)
	}
	names := p.Names
	if names == nil {
		names = map[string]string{}
	}
	published := p.Published
	if published == nil {
		published = []string{}
	}
	a, err := json.Marshal(p.Assignment)
	if err != nil {
		return c, err
	}
	n, err := json.Marshal(names)
	if err != nil {
		return c, err
	}
	pb, err := json.Marshal(published)
	if err != nil {
		return c, err
	}
	return proposalCols{string(params), string(a), string(n), string(report), string(pb)}, nil
}

// scanSetProposal reads the columns sqlSetProposalColumns names, then
// any extra destinations.
func scanSetProposal(r Row, extra ...any) (place.SetProposal, error) {
	var p place.SetProposal
	var kind, params, names, report, published string
	dest := append([]any{&p.Slug, &p.Title, &kind, &p.Blocks, &params, &names, &report, &p.Areas, &p.Overall, &p.Version,
		&p.Series, &p.Status, &published, &p.Author, timeScan{&p.CreatedAt}, timeScan{&p.UpdatedAt}}, extra...)
	if err := r.Scan(dest...); err != nil {
		return p, err
	}
	p.Kind, p.Params, p.Report = place.Kind(kind), json.RawMessage(params), json.RawMessage(report)
	if err := json.Unmarshal([]byte(names), &p.Names); err != nil {
		return p, fmt.Errorf("set proposal %s names: %w", p.Slug, err)
	}
	if err := json.Unmarshal([]byte(published), &p.Published); err != nil {
		return p, fmt.Errorf("set proposal %s published: %w", p.Slug, err)
	}
	return p, nil
}
