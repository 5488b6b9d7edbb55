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
	sg, data, err := store.SuggestionData(sg)
	if err != nil {
		return err
	}
	if err := store.CheckSuggestionTarget(ctx, s, sg); err != nil {
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

const suggestionColumns = `id, kind, asset_id, data, comment, author, status, reason, decided_by, created_at, decided_at`

func scanSuggestion(sc interface{ Scan(...any) error }) (place.Suggestion, error) {
	var sg place.Suggestion
	var data string
	var created, decided any
	if err := sc.Scan(&sg.ID, &sg.Kind, &sg.AssetID, &data, &sg.Comment, &sg.Author, &sg.Status, &sg.Reason, &sg.DecidedBy, &created, &decided); err != nil {
		return sg, err
	}
	var err error
	if sg.CreatedAt, err = readTime(created); err != nil {
		return sg, err
	}
	if decided != nil {
		if sg.DecidedAt, err = readTime(decided); err != nil {
			return sg, err
		}
	}
	return sg, store.ReadSuggestionData(&sg, []byte(data))
}

// Suggestions lists suggestions in a state, oldest first.
func (s *Store) Suggestions(ctx context.Context, status string) ([]place.Suggestion, error) {
	q, args := `SELECT `+suggestionColumns+` FROM suggestions ORDER BY fid`, []any{}
	if status != "" {
		q, args = `SELECT `+suggestionColumns+` FROM suggestions WHERE status = ? ORDER BY fid`, []any{status}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []place.Suggestion{}
	for rows.Next() {
		sg, err := scanSuggestion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sg)
	}
	return out, rows.Err()
}

// Suggestion returns one suggestion.
func (s *Store) Suggestion(ctx context.Context, id string) (place.Suggestion, error) {
	sg, err := scanSuggestion(s.db.QueryRowContext(ctx, `SELECT `+suggestionColumns+` FROM suggestions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return sg, place.Errorf(place.ENOTFOUND, "no suggestion %q", id)
	}
	return sg, err
}

// DecideSuggestion accepts or rejects a pending suggestion.
func (s *Store) DecideSuggestion(ctx context.Context, id string, accept bool, reason string, edited *place.Asset) (place.Suggestion, error) {
	sg, err := s.Suggestion(ctx, id)
	if err != nil {
		return sg, err
	}
	change, status, err := store.Decision(sg, accept, edited)
	if err != nil {
		return sg, err
	}
	by := store.ChangeOf(ctx).Author
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE suggestions SET status = ?, reason = ?, decided_by = ?, decided_at = ?
			WHERE id = ? AND status = 'pending'`, status, reason, by, now().Format(timeFormat), id)
		if err != nil {
			return translate(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return place.Errorf(place.ECONFLICT, "suggestion %s was decided already", id)
		}
		if !accept {
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
		if sg.Kind == place.NewAsset {
			var rep store.ImportReport
			change.Version = 0
			return insertAssets(ctx, tx, []place.Asset{change}, &rep)
		}
		var current int64
		if err := tx.QueryRowContext(ctx, `SELECT version FROM assets WHERE id = ?`, change.ID).Scan(&current); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return place.Errorf(place.ENOTFOUND, "asset %s is gone", change.ID)
			}
			return err
		}
		change.UpdatedAt = now()
		return updateAssetTx(ctx, tx, &change, current)
	})
	if err != nil {
		return sg, err
	}
	return s.Suggestion(ctx, id)
}
