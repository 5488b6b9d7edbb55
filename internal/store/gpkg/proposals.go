package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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
	return s.inTx(ctx, func(tx *sql.Tx) error {
		at := now().Format(timeFormat)
		if _, err := tx.ExecContext(ctx, `INSERT INTO conflation_runs (id, file, data, created_at) VALUES (?,?,?,?)`, run.ID, run.File, string(runData), at); err != nil {
			return fmt.Errorf("record conflation run: %w", translate(err))
		}
		sup, err := tx.PrepareContext(ctx, `UPDATE conflation_proposals SET status = 'superseded', decided_at = ? WHERE id = ? AND status = 'pending'`)
		if err != nil {
			return translate(err)
		}
		defer sup.Close()
		for _, id := range supersede {
			if _, err := sup.ExecContext(ctx, at, id); err != nil {
				return translate(err)
			}
		}
		ver, err := tx.PrepareContext(ctx, `INSERT INTO conflation_verdicts (asset_id, run, file, asset_version, outcome, osm_refs, created_at)
			VALUES (?,?,?,?,?,?,?)
			ON CONFLICT (asset_id) DO UPDATE SET run = excluded.run, file = excluded.file, asset_version = excluded.asset_version,
			  outcome = excluded.outcome, osm_refs = excluded.osm_refs, created_at = excluded.created_at`)
		if err != nil {
			return translate(err)
		}
		defer ver.Close()
		for i, v := range run.Verdicts {
			if _, err := ver.ExecContext(ctx, v.AssetID, run.ID, run.File, v.AssetVersion, v.Outcome, string(refs[i]), at); err != nil {
				return fmt.Errorf("record verdict %d: %w", i, translate(err))
			}
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO conflation_proposals (id, run, file, outcome, asset_id, osm_ref, data, status, created_at)
			VALUES (?,?,?,?,?,?,?,'pending',?)`)
		if err != nil {
			return translate(err)
		}
		defer ins.Close()
		for i, p := range ps {
			if _, err := ins.ExecContext(ctx, p.ID, p.Run, p.File, p.Outcome, p.AssetID, p.OSMRef, string(datas[i]), at); err != nil {
				return fmt.Errorf("record proposal %d: %w", i, translate(err))
			}
		}
		return nil
	})
}

// ConflationRuns lists the latest runs, newest first.
func (s *Store) ConflationRuns(ctx context.Context, limit int) ([]place.ConflationRun, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, file, data, created_at FROM conflation_runs ORDER BY fid DESC LIMIT ?`, limit)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []place.ConflationRun{}
	for rows.Next() {
		var r place.ConflationRun
		var data string
		var created any
		if err := rows.Scan(&r.ID, &r.File, &data, &created); err != nil {
			return nil, translate(err)
		}
		if r.CreatedAt, err = readTime(created); err != nil {
			return nil, err
		}
		if err := store.ReadRunData(&r, []byte(data)); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ConflationVerdicts lists what the last run over each asset found.
func (s *Store) ConflationVerdicts(ctx context.Context) ([]place.Verdict, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT asset_id, run, file, asset_version, outcome, osm_refs, created_at FROM conflation_verdicts ORDER BY asset_id`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []place.Verdict{}
	for rows.Next() {
		var v place.Verdict
		var refs string
		var created any
		if err := rows.Scan(&v.AssetID, &v.Run, &v.File, &v.AssetVersion, &v.Outcome, &refs, &created); err != nil {
			return nil, translate(err)
		}
		if v.At, err = readTime(created); err != nil {
			return nil, err
		}
		if err := store.ReadVerdictRefs(&v, []byte(refs)); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

const proposalColumns = `id, run, file, outcome, asset_id, osm_ref, data, status, reason, decided_by, created_at, decided_at`

func scanProposal(sc interface{ Scan(...any) error }) (place.Proposal, error) {
	var p place.Proposal
	var data string
	var created, decided any
	if err := sc.Scan(&p.ID, &p.Run, &p.File, &p.Outcome, &p.AssetID, &p.OSMRef, &data, &p.Status, &p.Reason, &p.DecidedBy, &created, &decided); err != nil {
		return p, err
	}
	var err error
	if p.CreatedAt, err = readTime(created); err != nil {
		return p, err
	}
	if decided != nil {
		if p.DecidedAt, err = readTime(decided); err != nil {
			return p, err
		}
	}
	return p, store.ReadProposalData(&p, []byte(data))
}

// Proposals lists proposals in a state, in the order they were made.
func (s *Store) Proposals(ctx context.Context, status string) ([]place.Proposal, error) {
	q, args := `SELECT `+proposalColumns+` FROM conflation_proposals ORDER BY fid`, []any{}
	if status != "" {
		q, args = `SELECT `+proposalColumns+` FROM conflation_proposals WHERE status = ? ORDER BY fid`, []any{status}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []place.Proposal{}
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Proposal returns one proposal.
func (s *Store) Proposal(ctx context.Context, id string) (place.Proposal, error) {
	p, err := scanProposal(s.db.QueryRowContext(ctx, `SELECT `+proposalColumns+` FROM conflation_proposals WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, place.Errorf(place.ENOTFOUND, "no conflation proposal %q", id)
	}
	return p, err
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
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE conflation_proposals SET status = ?, reason = ?, decided_by = ?, decided_at = ?, data = ?
			WHERE id = ? AND status = 'pending'`, status, d.Reason, by, now().Format(timeFormat), string(data), id)
		if err != nil {
			return translate(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return place.Errorf(place.ECONFLICT, "conflation proposal %s is %s, not pending", id, p.Status)
		}
		if d.Create != nil {
			a := *d.Create
			a.Version, a.UpdatedAt = 0, now()
			var rep store.ImportReport
			return insertAssets(ctx, tx, []place.Asset{a}, &rep)
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
