package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// SaveProposals records a conflation run's proposals, all or none.
func (s *Store) SaveProposals(ctx context.Context, ps []place.Proposal) error {
	datas := make([][]byte, len(ps))
	for i, p := range ps {
		d, err := store.ProposalData(p)
		if err != nil {
			return fmt.Errorf("proposal %d: %w", i, err)
		}
		datas[i] = d
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		at := now().Format(timeFormat)
		if _, err := tx.ExecContext(ctx, `UPDATE conflation_proposals SET status = 'superseded', decided_at = ? WHERE status = 'pending'`, at); err != nil {
			return translate(err)
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
