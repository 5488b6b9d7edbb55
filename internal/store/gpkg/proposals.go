package gpkg

import (
	"context"
	"database/sql"

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
