package store

import (
	"context"
	"fmt"

	"github.com/placemap/placemap/internal/place"
)

// CreateSuggestion records a proposed change, pending: a new asset, a
// correction or closure of an asset, or a drawing of an area. The checks
// (and their error codes) are PrepareSuggestion's.
func (db *DB) CreateSuggestion(ctx context.Context, sg place.Suggestion) error {
	sg, data, err := PrepareSuggestion(ctx, db, sg)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, sqlInsertSuggestion, sg.ID, sg.Kind, sg.AssetID, string(data), sg.Comment, sg.Author, sg.Status,
			dbTime(tx.now)); err != nil {
			return fmt.Errorf("record suggestion: %w", err)
		}
		return nil
	})
}

// Suggestions lists one page of suggestions in a state (all when
// q.Status is ""), oldest first, with how many there are in all.
func (db *DB) Suggestions(ctx context.Context, q SuggestionQuery) (SuggestionPage, error) {
	page := SuggestionPage{Suggestions: []place.Suggestion{}}
	var a args
	where := ""
	if q.Status != "" {
		where = ` WHERE status = ` + a.add(q.Status)
	}
	if err := db.d.Conns.Reads().QueryRow(ctx, sqlCountSuggestions+where, a...).Scan(&page.Matched); err != nil {
		return page, fmt.Errorf("count suggestions: %w", err)
	}
	limit, offset := Page(q.Limit, q.Offset)
	query := `SELECT ` + sqlSuggestionColumns + ` FROM suggestions` + where + ` ORDER BY fid LIMIT ` + a.add(limit) + ` OFFSET ` + a.add(offset)
	rows, err := db.d.Conns.Reads().Query(ctx, query, a...)
	out, err := collect(rows, err, scanSuggestion)
	if err != nil {
		return page, fmt.Errorf("list suggestions: %w", err)
	}
	page.Suggestions = append(page.Suggestions, out...)
	return page, nil
}

// Suggestion returns one suggestion; ENOTFOUND.
func (db *DB) Suggestion(ctx context.Context, id string) (place.Suggestion, error) {
	sg, err := scanSuggestion(db.d.Conns.Reads().QueryRow(ctx, `SELECT `+sqlSuggestionColumns+` FROM suggestions WHERE id = $1`, id))
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

// DecideSuggestion accepts or rejects a pending suggestion, by the
// context's author, and writes what an acceptance makes: the drawn area
// (linked to its place), the new asset, or the changed one. ECONFLICT if
// it was decided already, if the asset changed since, or if a new asset
// may be one already there (unless d.ConfirmNew); the rest of the rules
// and codes are Decision's.
func (db *DB) DecideSuggestion(ctx context.Context, id string, d place.SuggestionDecision) (place.Suggestion, error) {
	sg, err := db.Suggestion(ctx, id)
	if err != nil {
		return sg, err
	}
	change, status, err := Decision(sg, d)
	if err != nil {
		return sg, err
	}
	err = db.write(ctx, func(tx *Tx) error {
		n, err := tx.Exec(ctx, sqlDecideSuggestion, status, d.Reason, ChangeOf(ctx).Author, dbTime(tx.now), id)
		if err != nil {
			return fmt.Errorf("decide suggestion %s: %w", id, err)
		}
		if n == 0 {
			return place.Errorf(place.ECONFLICT, "suggestion %s was decided already", id)
		}
		switch {
		case !d.Accept:
			return nil
		case sg.Kind == place.AreaDrawing:
			return acceptDrawing(ctx, tx, sg)
		case sg.Kind == place.NewAsset && d.MergeInto == "":
			return db.acceptNewAsset(ctx, tx, change, d.ConfirmNew)
		}
		return acceptChange(ctx, tx, sg, d, change)
	})
	if err != nil {
		return sg, err
	}
	return db.Suggestion(ctx, id)
}

// acceptDrawing adds a drawn area to its set and links it to the place it
// was drawn for, if any.
func acceptDrawing(ctx context.Context, tx *Tx, sg place.Suggestion) error {
	a := DrawingArea(sg)
	if err := addArea(ctx, tx, a); err != nil {
		return err
	}
	if sg.Place == "" {
		return nil
	}
	link := place.PlaceLink{Set: a.Set, Code: a.Code, Note: "drawn by a resident"}
	if _, err := tx.Exec(ctx, sqlInsertPlaceLink, sg.Place, link.Set, link.Code, link.Confirmed, link.Note, link.Review); err != nil {
		return fmt.Errorf("link place %s: %w", sg.Place, err)
	}
	return addRevision(ctx, tx, "place", sg.Place, "link", link)
}

// acceptNewAsset adds a suggested new asset, unless it may be one already
// there (a duplicate) and the moderator did not confirm it is new.
func (db *DB) acceptNewAsset(ctx context.Context, tx *Tx, a place.Asset, confirmed bool) error {
	if !confirmed {
		// Writers queue (Begin), so what this reads outside the
		// transaction stays true until it commits.
		dups, err := Duplicates(ctx, db, a)
		if err != nil {
			return err
		}
		if len(dups) > 0 {
			return DuplicateError(a, dups)
		}
	}
	var rep ImportReport
	a.Version, a.UpdatedAt = 0, tx.now
	return insertAssets(ctx, tx, []place.Asset{a}, &rep)
}

// acceptChange writes an accepted correction or closure, or a new asset
// merged into an existing one, if the asset is still at the version the
// decision was made on.
func acceptChange(ctx context.Context, tx *Tx, sg place.Suggestion, d place.SuggestionDecision, change place.Asset) error {
	want := d.IfVersion
	if d.MergeInto != "" {
		if _, err := tx.Exec(ctx, sqlSuggestionMergedInto, d.MergeInto, sg.ID); err != nil {
			return fmt.Errorf("merge suggestion %s into %s: %w", sg.ID, d.MergeInto, err)
		}
	} else {
		var err error
		if want, err = AcceptVersion(sg, d); err != nil {
			return err
		}
	}
	var current int64
	err := tx.QueryRow(ctx, sqlAssetVersion, change.ID).Scan(&current)
	if noRows(err) {
		return place.Errorf(place.ENOTFOUND, "asset %s is gone", change.ID)
	}
	if err != nil {
		return fmt.Errorf("asset %s: %w", change.ID, err)
	}
	if current != want {
		return StaleError(sg, want, current)
	}
	change.UpdatedAt = tx.now
	return updateAsset(ctx, tx, &change, current)
}
