package postgis

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

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
