package store

import (
	"context"
	"fmt"

	"github.com/placemap/placemap/internal/place"
)

// Suggestions lists one page of suggestions in a state (all when
// q.Status is ""), oldest first, with how many there are in all.
func (db *DB) Suggestions(ctx context.Context, q SuggestionQuery) (SuggestionPage, error) {
	page := SuggestionPage{Suggestions: []place.Suggestion{}}
	var a args
	where := ""
	if q.Status != "" {
		where = ` WHERE status = ` + a.add(q.Status)
	}
	if err := db.d.Reads().QueryRow(ctx, sqlCountSuggestions+where, a...).Scan(&page.Matched); err != nil {
		return page, fmt.Errorf("count suggestions: %w", err)
	}
	limit, offset := Page(q.Limit, q.Offset)
	query := `SELECT ` + sqlSuggestionColumns + ` FROM suggestions` + where + ` ORDER BY fid LIMIT ` + a.add(limit) + ` OFFSET ` + a.add(offset)
	rows, err := db.d.Reads().Query(ctx, query, a...)
	out, err := collect(rows, err, scanSuggestion)
	if err != nil {
		return page, fmt.Errorf("list suggestions: %w", err)
	}
	page.Suggestions = append(page.Suggestions, out...)
	return page, nil
}

// Suggestion returns one suggestion; ENOTFOUND.
func (db *DB) Suggestion(ctx context.Context, id string) (place.Suggestion, error) {
	sg, err := scanSuggestion(db.d.Reads().QueryRow(ctx, `SELECT `+sqlSuggestionColumns+` FROM suggestions WHERE id = $1`, id))
	if noRows(err) {
		return sg, place.Errorf(place.ENOTFOUND, "no suggestion %q", id)
	}
	if err != nil {
		return sg, fmt.Errorf("suggestion %s: %w", id, err)
	}
	return sg, nil
}

func scanSuggestion(r Row) (place.Suggestion, error) {
	var sg place.Suggestion
	var data string
	if err := r.Scan(&sg.ID, &sg.Kind, &sg.AssetID, &data, &sg.Comment, &sg.Author, &sg.Status, &sg.Reason, &sg.DecidedBy,
		timeScan{&sg.CreatedAt}, timeScan{&sg.DecidedAt}); err != nil {
		return sg, err
	}
	return sg, ReadSuggestionData(&sg, []byte(data))
}
