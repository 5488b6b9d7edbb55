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
	return s.inTx(ctx, func(tx pgx.Tx) error {
		at := now()
		if _, err := tx.Exec(ctx, `UPDATE conflation_proposals SET status = 'superseded', decided_at = $1 WHERE status = 'pending'`, at); err != nil {
			return translate(err)
		}
		batch := &pgx.Batch{}
		for i, p := range ps {
			batch.Queue(`INSERT INTO conflation_proposals (id, run, file, outcome, asset_id, osm_ref, data, status, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8)`, p.ID, p.Run, p.File, p.Outcome, p.AssetID, p.OSMRef, datas[i], at)
		}
		if err := tx.SendBatch(ctx, batch).Close(); err != nil {
			return fmt.Errorf("record proposals: %w", translate(err))
		}
		return nil
	})
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
