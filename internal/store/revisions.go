package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/placemap/placemap/internal/place"
)

// addRevision records a change to an entity, by the context's author, with
// the record as it stands after it.
func addRevision(ctx context.Context, tx *Tx, entity, id, action string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("revision of %s %s: %w", entity, id, err)
	}
	ch := AuthorOf(ctx)
	if _, err := tx.Exec(ctx, sqlInsertRevision, entity, id, action, ch.Author, ch.Comment, string(b), dbTime(tx.now)); err != nil {
		return fmt.Errorf("revision of %s %s: %w", entity, id, err)
	}
	return nil
}

// addAssetRevision records an asset with its geometry, so the revision
// can be restored.
func addAssetRevision(ctx context.Context, tx *Tx, action string, a place.Asset) error {
	rec, err := NewAssetRecord(a)
	if err != nil {
		return err
	}
	return addRevision(ctx, tx, "asset", a.ID, action, rec)
}

// Revisions lists an entity's revisions, oldest first ("asset", id).
func (db *DB) Revisions(ctx context.Context, entity, id string) ([]Revision, error) {
	return db.revisions(ctx, `entity = $1 AND entity_id = $2 ORDER BY fid`, entity, id)
}

// Changes lists revisions with Seq above since, oldest first, at most
// limit: a change feed a client follows with the last Seq it saw.
func (db *DB) Changes(ctx context.Context, since int64, limit int) ([]Revision, error) {
	limit, _ = Page(limit, 0)
	return db.revisions(ctx, `fid > $1 ORDER BY fid LIMIT $2`, since, limit)
}

func (db *DB) revisions(ctx context.Context, where string, args ...any) ([]Revision, error) {
	rows, err := db.d.Conns.Reads().Query(ctx, sqlSelectRevisions+where, args...)
	out, err := collect(rows, err, func(r Row) (Revision, error) {
		var rev Revision
		var data string
		err := r.Scan(&rev.Seq, &rev.Entity, &rev.EntityID, &rev.Action, &rev.Author, &rev.Comment, &data, timeScan{&rev.CreatedAt})
		rev.Data = json.RawMessage(data)
		return rev, err
	})
	if err != nil {
		return nil, fmt.Errorf("revisions: %w", err)
	}
	if out == nil {
		out = []Revision{}
	}
	return out, nil
}
