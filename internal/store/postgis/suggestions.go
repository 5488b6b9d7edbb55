package postgis

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// CreateSuggestion records a proposed change.
func (s *Store) CreateSuggestion(ctx context.Context, sg place.Suggestion) error {
	sg, data, err := store.PrepareSuggestion(ctx, s, sg)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO suggestions (id, kind, asset_id, data, comment, author, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, sg.ID, sg.Kind, sg.AssetID, data, sg.Comment, sg.Author, sg.Status, now())
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
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE suggestions SET status = $1, reason = $2, decided_by = $3, decided_at = $4
			WHERE id = $5 AND status = 'pending'`, status, d.Reason, by, now(), id)
		if err != nil {
			return translate(err)
		}
		if tag.RowsAffected() == 0 {
			return place.Errorf(place.ECONFLICT, "suggestion %s was decided already", id)
		}
		if !d.Accept {
			return nil
		}
		if sg.Kind == place.AreaDrawing {
			a := store.DrawingArea(sg)
			if err := addAreaTx(ctx, tx, a); err != nil {
				return err
			}
			if sg.Place == "" {
				return nil
			}
			link := place.PlaceLink{Set: a.Set, Code: a.Code, Note: "drawn by a resident"}
			if _, err := tx.Exec(ctx, `INSERT INTO place_links (place_slug, set_slug, area_code, confirmed, note) VALUES ($1, $2, $3, $4, $5)`,
				sg.Place, link.Set, link.Code, link.Confirmed, link.Note); err != nil {
				return fmt.Errorf("link place %s: %w", sg.Place, translate(err))
			}
			return addRevision(ctx, tx, "place", sg.Place, "link", link)
		}
		want := d.IfVersion
		switch {
		case sg.Kind == place.NewAsset && d.MergeInto != "":
			if _, err := tx.Exec(ctx, `UPDATE suggestions SET asset_id = $1 WHERE id = $2`, d.MergeInto, id); err != nil {
				return translate(err)
			}
		case sg.Kind == place.NewAsset:
			if !d.ConfirmNew {
				// Writers are serialised on the data_version row inTx
				// updated first, so what this reads stays true until commit.
				dups, err := store.Duplicates(ctx, s, change)
				if err != nil {
					return err
				}
				if len(dups) > 0 {
					return store.DuplicateError(change, dups)
				}
			}
			var rep store.ImportReport
			change.Version, change.UpdatedAt = 0, now()
			return insertAssets(ctx, tx, []place.Asset{change}, []string{change.ID}, &rep)
		default:
			if want, err = store.AcceptVersion(sg, d); err != nil {
				return err
			}
		}
		var current int64
		if err := tx.QueryRow(ctx, `SELECT version FROM assets WHERE id = $1`, change.ID).Scan(&current); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return place.Errorf(place.ENOTFOUND, "asset %s is gone", change.ID)
			}
			return translate(err)
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
