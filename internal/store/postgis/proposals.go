package postgis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// SaveConflation records a conflation run, its verdicts and proposals, and
// supersedes the pending proposals named, all or none.
func (s *Store) SaveConflation(ctx context.Context, run place.ConflationRun, ps []place.Proposal, supersede []string) error {
	if run.By == "" {
		run.By = store.ChangeOf(ctx).Author
	}
	runData, refs, datas, err := store.RunData(run, ps)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		at := now()
		if _, err := tx.Exec(ctx, `INSERT INTO conflation_runs (id, file, data, created_at) VALUES ($1, $2, $3, $4)`, run.ID, run.File, runData, at); err != nil {
			return fmt.Errorf("record conflation run: %w", translate(err))
		}
		if len(supersede) > 0 {
			if _, err := tx.Exec(ctx, `UPDATE conflation_proposals SET status = 'superseded', decided_at = $1 WHERE id = ANY($2) AND status = 'pending'`, at, supersede); err != nil {
				return translate(err)
			}
		}
		batch := &pgx.Batch{}
		for i, v := range run.Verdicts {
			batch.Queue(`INSERT INTO conflation_verdicts (asset_id, run, file, asset_version, outcome, osm_refs, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (asset_id) DO UPDATE SET run = excluded.run, file = excluded.file, asset_version = excluded.asset_version,
				  outcome = excluded.outcome, osm_refs = excluded.osm_refs, created_at = excluded.created_at`,
				v.AssetID, run.ID, run.File, v.AssetVersion, v.Outcome, refs[i], at)
		}
		for i, p := range ps {
			batch.Queue(`INSERT INTO conflation_proposals (id, run, file, outcome, asset_id, osm_ref, data, status, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8)`, p.ID, p.Run, p.File, p.Outcome, p.AssetID, p.OSMRef, datas[i], at)
		}
		if batch.Len() > 0 {
			if err := tx.SendBatch(ctx, batch).Close(); err != nil {
				return fmt.Errorf("record the conflation run's verdicts and proposals: %w", translate(err))
			}
		}
		return nil
	})
}

// ConflationRuns lists the latest runs, newest first.
func (s *Store) ConflationRuns(ctx context.Context, limit int) ([]place.ConflationRun, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, file, data::text, created_at FROM conflation_runs ORDER BY fid DESC LIMIT $1`, limit)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []place.ConflationRun{}
	for rows.Next() {
		var r place.ConflationRun
		var data string
		if err := rows.Scan(&r.ID, &r.File, &data, &r.CreatedAt); err != nil {
			return nil, translate(err)
		}
		r.CreatedAt = r.CreatedAt.UTC()
		if err := store.ReadRunData(&r, []byte(data)); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// ConflationVerdicts lists what the last run over each asset found.
func (s *Store) ConflationVerdicts(ctx context.Context) ([]place.Verdict, error) {
	rows, err := s.pool.Query(ctx, `SELECT asset_id, run, file, asset_version, outcome, osm_refs::text, created_at FROM conflation_verdicts ORDER BY asset_id`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []place.Verdict{}
	for rows.Next() {
		var v place.Verdict
		var refs string
		if err := rows.Scan(&v.AssetID, &v.Run, &v.File, &v.AssetVersion, &v.Outcome, &refs, &v.At); err != nil {
			return nil, translate(err)
		}
		v.At = v.At.UTC()
		if err := store.ReadVerdictRefs(&v, []byte(refs)); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, translate(rows.Err())
}

const proposalColumns = `id, run, file, outcome, asset_id, osm_ref, data::text, status, reason, decided_by, created_at, decided_at`

func scanProposal(row pgx.Row) (place.Proposal, error) {
	var p place.Proposal
	var data string
	var decided *time.Time
	if err := row.Scan(&p.ID, &p.Run, &p.File, &p.Outcome, &p.AssetID, &p.OSMRef, &data, &p.Status, &p.Reason, &p.DecidedBy, &p.CreatedAt, &decided); err != nil {
		return p, err
	}
	p.CreatedAt = p.CreatedAt.UTC()
	if decided != nil {
		p.DecidedAt = decided.UTC()
	}
	return p, store.ReadProposalData(&p, []byte(data))
}

// Proposals lists proposals in a state, in the order they were made.
func (s *Store) Proposals(ctx context.Context, status string) ([]place.Proposal, error) {
	q, args := `SELECT `+proposalColumns+` FROM conflation_proposals ORDER BY fid`, []any{}
	if status != "" {
		q, args = `SELECT `+proposalColumns+` FROM conflation_proposals WHERE status = $1 ORDER BY fid`, []any{status}
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []place.Proposal{}
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, p)
	}
	return out, translate(rows.Err())
}

// Proposal returns one proposal.
func (s *Store) Proposal(ctx context.Context, id string) (place.Proposal, error) {
	p, err := scanProposal(s.pool.QueryRow(ctx, `SELECT `+proposalColumns+` FROM conflation_proposals WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, place.Errorf(place.ENOTFOUND, "no conflation proposal %q", id)
	}
	return p, translate(err)
}

// DecideProposal records a decision and writes what it makes.
func (s *Store) DecideProposal(ctx context.Context, id string, d place.ProposalDecision) (place.Proposal, error) {
	p, err := s.Proposal(ctx, id)
	if err != nil {
		return p, err
	}
	data, err := store.DecidedData(p, d)
	if err != nil {
		return p, err
	}
	status := place.Rejected
	if d.Accept {
		status = place.Accepted
	}
	by := store.ChangeOf(ctx).Author
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE conflation_proposals SET status = $1, reason = $2, decided_by = $3, decided_at = $4, data = $5
			WHERE id = $6 AND status = 'pending'`, status, d.Reason, by, now(), data, id)
		if err != nil {
			return translate(err)
		}
		if tag.RowsAffected() == 0 {
			return place.Errorf(place.ECONFLICT, "conflation proposal %s is %s, not pending", id, p.Status)
		}
		if d.Create != nil {
			a := *d.Create
			a.Version, a.UpdatedAt = 0, now()
			var rep store.ImportReport
			return insertAssets(ctx, tx, []place.Asset{a}, []string{a.ID}, &rep)
		}
		if d.Update != nil {
			a := *d.Update
			a.UpdatedAt = now()
			return updateAssetTx(ctx, tx, &a, d.UpdateFrom)
		}
		return nil
	})
	if err != nil {
		return p, err
	}
	return s.Proposal(ctx, id)
}
