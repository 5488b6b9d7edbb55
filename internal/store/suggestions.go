package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"github.com/placemap/placemap/internal/geo"
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
		tx.tiles() // a suggestion, and a drawing: no tile layer's
		if err := drawingOfSuggestion(ctx, tx, sg); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlInsertSuggestion, sg.ID, sg.Kind, sg.AssetID, string(data), sg.Comment, sg.Author, sg.Status,
			dbTime(tx.now)); err != nil {
			return fmt.Errorf("record suggestion: %w", err)
		}
		return nil
	})
}

// drawingOfSuggestion adds the drawing a new area suggestion makes,
// pending; for a change to a drawing, that drawing must exist.
func drawingOfSuggestion(ctx context.Context, tx *Tx, sg place.Suggestion) error {
	if sg.Kind != place.AreaDrawing {
		return nil
	}
	if sg.DrawingKey != "" {
		return insertDrawing(ctx, tx, place.SuggestedDrawing(&sg))
	}
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM drawings WHERE id = $1)`, sg.Drawing).Scan(&exists); err != nil {
		return fmt.Errorf("drawing %s: %w", sg.Drawing, err)
	}
	if !exists {
		return place.Errorf(place.ENOTFOUND, "no drawing %q", sg.Drawing)
	}
	return nil
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
	return sg, readSuggestionData(&sg, []byte(data))
}

// DecideSuggestion accepts or rejects a pending suggestion, by the
// context's author, and writes what the decision makes: a drawing
// published in its place (or, rejected, left unpublished), the new asset,
// or the changed one. EINVALID for a drawing accepted with no place named. ECONFLICT if
// it was decided already, if the asset changed since, or if a new asset
// may be one already there (unless d.ConfirmNew); the rest of the rules
// and codes are Decision's.
func (db *DB) DecideSuggestion(ctx context.Context, id string, d place.SuggestionDecision) (place.Suggestion, error) {
	sg, err := db.Suggestion(ctx, id)
	if err != nil {
		return sg, err
	}
	change, status, err := place.SuggestionOutcome(sg, d)
	if err != nil {
		return sg, err
	}
	err = db.write(ctx, func(tx *Tx) error {
		tx.tiles() // its own statements write no tile layer's data; the helpers that do name their layers
		n, err := tx.Exec(ctx, sqlDecideSuggestion, status, d.Reason, AuthorOf(ctx).Author, dbTime(tx.now), id)
		if err != nil {
			return fmt.Errorf("decide suggestion %s: %w", id, err)
		}
		if n == 0 {
			return place.Errorf(place.ECONFLICT, "suggestion %s was decided already", id)
		}
		switch {
		case sg.Kind == place.AreaDrawing && !d.Accept:
			return rejectDrawing(ctx, tx, sg)
		case !d.Accept:
			return nil
		case sg.Kind == place.AreaDrawing:
			return publishDrawing(ctx, tx, sg, d)
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
			return place.DuplicateError(a, dups)
		}
	}
	var rep ImportReport
	a.Version, a.UpdatedAt = 0, tx.now
	return insertAssets(ctx, tx, []place.Asset{a}, nil, &rep)
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
		if want, err = place.AcceptVersion(sg, d); err != nil {
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
		return place.StaleError(sg, want, current)
	}
	change.UpdatedAt = tx.now
	return updateAsset(ctx, tx, &change, current, nil)
}

// suggestionTargets is what checking a suggestion's target needs.
type suggestionTargets interface {
	Asset(ctx context.Context, id string) (place.Asset, error)
	Revisions(ctx context.Context, entity, id string) ([]Revision, error)
	Set(ctx context.Context, slug string) (place.SetSummary, error)
	Place(ctx context.Context, slug string) (place.Place, error)
}

// PrepareSuggestion checks a suggestion against what it is about and
// returns it, with its record, as every store keeps it: the asset of a
// correction or closure must exist, and the suggestion is based on the
// asset at BaseVersion (the current one when 0); a closure sent without
// the asset closes that version. A drawing's place, if it names one, must
// exist, and so must the set it names as a hint, a community set
// (residents draw neighbourhoods, not wards).
func PrepareSuggestion(ctx context.Context, st suggestionTargets, sg place.Suggestion) (place.Suggestion, []byte, error) {
	switch sg.Kind {
	case place.AreaDrawing:
		if sg.Area == nil {
			break // CheckSuggestion says what is missing
		}
		if sg.Area.Set != "" {
			set, err := st.Set(ctx, sg.Area.Set)
			if err != nil {
				return sg, nil, err
			}
			if set.Kind != place.Community {
				return sg, nil, place.Errorf(place.EINVALID, "boundary set %s is %s: draw neighbourhoods for a community set", set.Slug, set.Kind)
			}
		}
		if sg.Place != "" {
			if _, err := st.Place(ctx, sg.Place); err != nil {
				return sg, nil, err
			}
		}
	case place.Correction, place.Closure:
		if sg.AssetID == "" {
			break
		}
		base, err := suggestionBase(ctx, st, sg.AssetID, sg.BaseVersion)
		if err != nil {
			return sg, nil, err
		}
		sg.Base, sg.BaseVersion = &base, base.Version
		if sg.Kind == place.Closure && sg.Proposed.Geometry == nil {
			sg.Proposed = base
		}
		if !orb.Equal(sg.Proposed.Geometry, base.Geometry) {
			if err := place.CheckDrawn("the suggested outline", sg.Proposed.Geometry); err != nil {
				return sg, nil, err
			}
		}
	}
	return suggestionData(sg)
}

// suggestionBase is asset id as it stood at version v (the current version
// when v is 0), from its revisions when it has changed since.
func suggestionBase(ctx context.Context, st suggestionTargets, id string, v int64) (place.Asset, error) {
	cur, err := st.Asset(ctx, id)
	if err != nil {
		return cur, err
	}
	if v == 0 || v == cur.Version {
		return cur, nil
	}
	if v < 0 || v > cur.Version {
		return cur, place.Errorf(place.EINVALID, "If-Match %d: asset %s has no such version; it is at version %d", v, id, cur.Version)
	}
	revs, err := st.Revisions(ctx, "asset", id)
	if err != nil {
		return cur, err
	}
	for i := len(revs) - 1; i >= 0; i-- {
		if revs[i].Action == "delete" {
			continue
		}
		var rec AssetRecord
		if err := json.Unmarshal(revs[i].Data, &rec); err != nil || rec.Version != v {
			continue
		}
		return rec.AssetOf()
	}
	return cur, place.Errorf(place.EINVALID, "If-Match %d: asset %s has no revision of that version; it is at version %d", v, id, cur.Version)
}

// Duplicates lists the assets likely to be the place a is
// (place.LikelyDuplicate), nearest first.
func Duplicates(ctx context.Context, st interface {
	Assets(ctx context.Context, q AssetQuery) (AssetPage, error)
}, a place.Asset) ([]place.Duplicate, error) {
	if a.Geometry == nil {
		return nil, nil
	}
	pt := geo.PointOnSurface(a.Geometry)
	b := orbgeo.NewBoundAroundPoint(pt, place.DuplicateRadiusM*1.1)
	page, err := st.Assets(ctx, AssetQuery{BBox: &b, Category: a.Category, NoCount: true})
	if err != nil {
		return nil, fmt.Errorf("assets near %s: %w", a.Name, err)
	}
	var out []place.Duplicate
	for _, e := range page.Assets {
		d := orbgeo.Distance(pt, geo.PointOnSurface(e.Geometry))
		if place.LikelyDuplicate(a, e, d) {
			out = append(out, place.Duplicate{Asset: e, DistanceM: d, NameScore: place.NameScore(a.Name, e.Name)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DistanceM < out[j].DistanceM })
	return out, nil
}
