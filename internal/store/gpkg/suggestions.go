package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// CreateSuggestion records a proposed change.
func (s *Store) CreateSuggestion(ctx context.Context, sg place.Suggestion) error {
	sg, data, err := store.PrepareSuggestion(ctx, s, sg)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO suggestions (id, kind, asset_id, data, comment, author, status, created_at)
			VALUES (?,?,?,?,?,?,?,?)`, sg.ID, sg.Kind, sg.AssetID, string(data), sg.Comment, sg.Author, sg.Status, now().Format(timeFormat))
		if err != nil {
			return fmt.Errorf("record suggestion: %w", translate(err))
		}
		return nil
	})
}

// DecideSuggestion accepts or rejects a pending suggestion.
func (s *Store) DecideSuggestion(ctx context.Context, id string, d place.SuggestionDecision) (place.Suggestion, error) {
	sg, err := s.Suggestion(ctx, id)
	if err != nil {
		return sg, err
	}
	change, status, err := store.Decision(sg, d)
	if err != nil {
		return sg, err
	}
	by := store.ChangeOf(ctx).Author
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE suggestions SET status = ?, reason = ?, decided_by = ?, decided_at = ?
			WHERE id = ? AND status = 'pending'`, status, d.Reason, by, now().Format(timeFormat), id)
		if err != nil {
			return translate(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return place.Errorf(place.ECONFLICT, "suggestion %s was decided already", id)
		}
		if !d.Accept {
			return nil
		}
		if sg.Kind == place.AreaDrawing {
			a := store.DrawingArea(sg)
			if err := s.addAreaTx(ctx, tx, a); err != nil {
				return err
			}
			if sg.Place == "" {
				return nil
			}
			link := place.PlaceLink{Set: a.Set, Code: a.Code, Note: "drawn by a resident"}
			if _, err := tx.ExecContext(ctx, `INSERT INTO place_links (place_slug, set_slug, area_code, confirmed, note) VALUES (?,?,?,?,?)`,
				sg.Place, link.Set, link.Code, link.Confirmed, link.Note); err != nil {
				return fmt.Errorf("link place %s: %w", sg.Place, translate(err))
			}
			return addRevision(ctx, tx, "place", sg.Place, "link", link)
		}
		want := d.IfVersion
		switch {
		case sg.Kind == place.NewAsset && d.MergeInto != "":
			if _, err := tx.ExecContext(ctx, `UPDATE suggestions SET asset_id = ? WHERE id = ?`, d.MergeInto, id); err != nil {
				return translate(err)
			}
		case sg.Kind == place.NewAsset:
			if !d.ConfirmNew {
				// Writers are serialised (s.writes and an immediate
				// transaction), so what this reads stays true until commit.
				dups, err := store.Duplicates(ctx, s, change)
				if err != nil {
					return err
				}
				if len(dups) > 0 {
					return store.DuplicateError(change, dups)
				}
			}
			var rep store.ImportReport
			change.Version = 0
			return insertAssets(ctx, tx, []place.Asset{change}, &rep)
		default:
			if want, err = store.AcceptVersion(sg, d); err != nil {
				return err
			}
		}
		var current int64
		if err := tx.QueryRowContext(ctx, `SELECT version FROM assets WHERE id = ?`, change.ID).Scan(&current); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return place.Errorf(place.ENOTFOUND, "asset %s is gone", change.ID)
			}
			return err
		}
		if current != want {
			return store.StaleError(sg, want, current)
		}
		change.UpdatedAt = now()
		return updateAssetTx(ctx, tx, &change, current)
	})
	if err != nil {
		return sg, err
	}
	return s.Suggestion(ctx, id)
}
