package store

import (
	"context"
	"fmt"

	"github.com/placemap/placemap/internal/place"
)

// SaveConflation records a conflation run (by the context's author unless
// run.By says), its verdicts (each replacing the asset's last) and its
// proposals, and supersedes the pending proposals named in supersede, all
// or none; EINVALID for a malformed run or proposal, ECONFLICT for a run
// id taken.
func (db *DB) SaveConflation(ctx context.Context, run place.ConflationRun, ps []place.Proposal, supersede []string) error {
	if run.By == "" {
		run.By = AuthorOf(ctx).Author
	}
	runData, refs, datas, err := RunData(run, ps)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		tx.tiles() // its own statements write no tile layer's data; the helpers that do name their layers
		at := dbTime(tx.now)
		if _, err := tx.Exec(ctx, sqlInsertConflationRun, run.ID, run.File, string(runData), at); err != nil {
			return fmt.Errorf("record conflation run: %w", err)
		}
		if err := supersedeProposals(ctx, tx, supersede); err != nil {
			return err
		}
		verdicts := make([][]any, len(run.Verdicts))
		for i, v := range run.Verdicts {
			verdicts[i] = []any{v.AssetID, run.ID, run.File, v.AssetVersion, v.Outcome, string(refs[i]), at}
		}
		if err := tx.ExecBatch(ctx, sqlUpsertVerdict, verdicts); err != nil {
			return fmt.Errorf("record the conflation run's verdicts: %w", err)
		}
		proposals := make([][]any, len(ps))
		for i, p := range ps {
			proposals[i] = []any{p.ID, p.Run, p.File, p.Outcome, p.AssetID, p.OSMRef, string(datas[i]), at}
		}
		if err := tx.ExecBatch(ctx, sqlInsertProposal, proposals); err != nil {
			return fmt.Errorf("record the conflation run's proposals: %w", err)
		}
		return nil
	})
}

// supersedeProposals marks those of the proposals ids that are still
// pending superseded by a later run.
func supersedeProposals(ctx context.Context, tx *Tx, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	list, err := tx.d.SQL.List(ids)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, sqlSupersedeProposals+tx.d.SQL.InList("id", "$2"), dbTime(tx.now), list); err != nil {
		return fmt.Errorf("supersede proposals: %w", err)
	}
	return nil
}

// ConflationRuns lists the latest limit runs, newest first.
func (db *DB) ConflationRuns(ctx context.Context, limit int) ([]place.ConflationRun, error) {
	rows, err := db.d.Conns.Reads().Query(ctx, sqlSelectConflationRuns, limit)
	out, err := collect(rows, err, func(r Row) (place.ConflationRun, error) {
		var run place.ConflationRun
		var data string
		if err := r.Scan(&run.ID, &run.File, &data, timeScan{&run.CreatedAt}); err != nil {
			return run, err
		}
		return run, ReadRunData(&run, []byte(data))
	})
	if err != nil {
		return nil, fmt.Errorf("conflation runs: %w", err)
	}
	if out == nil {
		out = []place.ConflationRun{}
	}
	return out, nil
}

// ConflationVerdicts lists what the last run over each asset found, by
// asset id.
func (db *DB) ConflationVerdicts(ctx context.Context) ([]place.Verdict, error) {
	rows, err := db.d.Conns.Reads().Query(ctx, sqlSelectVerdicts)
	out, err := collect(rows, err, func(r Row) (place.Verdict, error) {
		var v place.Verdict
		var refs string
		if err := r.Scan(&v.AssetID, &v.Run, &v.File, &v.AssetVersion, &v.Outcome, &refs, timeScan{&v.At}); err != nil {
			return v, err
		}
		return v, ReadVerdictRefs(&v, []byte(refs))
	})
	if err != nil {
		return nil, fmt.Errorf("conflation verdicts: %w", err)
	}
	if out == nil {
		out = []place.Verdict{}
	}
	return out, nil
}

// Proposals lists the proposals in a state (all when status is ""), in the
// order they were made.
func (db *DB) Proposals(ctx context.Context, status string) ([]place.Proposal, error) {
	where, a := `TRUE`, []any{}
	if status != "" {
		where, a = `status = $1`, []any{status}
	}
	rows, err := db.d.Conns.Reads().Query(ctx, sqlSelectProposals+where+` ORDER BY fid`, a...)
	out, err := collect(rows, err, scanProposal)
	if err != nil {
		return nil, fmt.Errorf("conflation proposals: %w", err)
	}
	if out == nil {
		out = []place.Proposal{}
	}
	return out, nil
}

// Proposal returns one proposal; ENOTFOUND.
func (db *DB) Proposal(ctx context.Context, id string) (place.Proposal, error) {
	p, err := scanProposal(db.d.Conns.Reads().QueryRow(ctx, sqlSelectProposals+`id = $1`, id))
	if noRows(err) {
		return p, place.Errorf(place.ENOTFOUND, "no conflation proposal %q", id)
	}
	if err != nil {
		return p, fmt.Errorf("conflation proposal %s: %w", id, err)
	}
	return p, nil
}

func scanProposal(r Row) (place.Proposal, error) {
	var p place.Proposal
	var data string
	if err := r.Scan(&p.ID, &p.Run, &p.File, &p.Outcome, &p.AssetID, &p.OSMRef, &data, &p.Status, &p.Reason, &p.DecidedBy,
		timeScan{&p.CreatedAt}, timeScan{&p.DecidedAt}); err != nil {
		return p, err
	}
	return p, ReadProposalData(&p, []byte(data))
}

// DecideProposal accepts or rejects a pending proposal, by the context's
// author, and writes what the decision makes: the asset d.Create adds, or
// the change d.Update makes to the asset at version d.UpdateFrom. ECONFLICT
// if it was decided already or the asset changed since; EINVALID for an
// asset that breaks a rule.
func (db *DB) DecideProposal(ctx context.Context, id string, d place.ProposalDecision) (place.Proposal, error) {
	p, err := db.Proposal(ctx, id)
	if err != nil {
		return p, err
	}
	data, err := DecidedData(p, d)
	if err != nil {
		return p, err
	}
	status := place.Rejected
	if d.Accept {
		status = place.Accepted
	}
	err = db.write(ctx, func(tx *Tx) error {
		tx.tiles() // its own statements write no tile layer's data; the helpers that do name their layers
		n, err := tx.Exec(ctx, sqlDecideProposal, status, d.Reason, AuthorOf(ctx).Author, dbTime(tx.now), string(data), id)
		if err != nil {
			return fmt.Errorf("decide conflation proposal %s: %w", id, err)
		}
		if n == 0 {
			return place.Errorf(place.ECONFLICT, "conflation proposal %s is %s, not pending", id, p.Status)
		}
		switch {
		case d.Create != nil:
			a := *d.Create
			a.Version, a.UpdatedAt = 0, tx.now
			var rep ImportReport
			return insertAssets(ctx, tx, []place.Asset{a}, nil, &rep)
		case d.Update != nil:
			a := *d.Update
			a.UpdatedAt = tx.now
			return updateAsset(ctx, tx, &a, d.UpdateFrom, nil)
		}
		return nil
	})
	if err != nil {
		return p, err
	}
	return db.Proposal(ctx, id)
}
