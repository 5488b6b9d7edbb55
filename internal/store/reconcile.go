package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/placemap/placemap/internal/place"
)

// What the reconcile service reads and keeps beside the areas: indicators
// (numbers per area), asset counts per area, and places (neighbourhoods as
// people name them, linked to the areas that define them).

// ImportIndicators attaches indicators to the areas of a set, all or
// nothing. EINVALID for a bad indicator or a value for a code that is no
// area of the set, ENOTFOUND for an unknown set, ECONFLICT for a name the
// set has already.
func (db *DB) ImportIndicators(ctx context.Context, set string, inds []place.Indicator, values map[string]map[string]float64) error {
	return db.writeIndicators(ctx, set, inds, values, false)
}

// ReplaceIndicators attaches indicators to the areas of a set, replacing
// those of the same names the set has already (their values included), all
// or nothing: what a recomputed measure (walking access) writes. Errors as
// ImportIndicators, without its ECONFLICT.
func (db *DB) ReplaceIndicators(ctx context.Context, set string, inds []place.Indicator, values map[string]map[string]float64) error {
	return db.writeIndicators(ctx, set, inds, values, true)
}

// writeIndicators is ImportIndicators, or with replace ReplaceIndicators:
// the indicators of the same names are cleared first, in the same
// transaction.
func (db *DB) writeIndicators(ctx context.Context, set string, inds []place.Indicator, values map[string]map[string]float64, replace bool) error {
	if err := place.CheckIndicators(set, inds, values); err != nil {
		return err
	}
	if _, err := db.Set(ctx, set); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		tx.tiles() // its own statements write no tile layer's data; the helpers that do name their layers
		rows, err := tx.Query(ctx, sqlAreaCodes, set)
		list, err := collect(rows, err, scanText)
		if err != nil {
			return fmt.Errorf("areas of %s: %w", set, err)
		}
		codes := make(map[string]bool, len(list))
		for _, c := range list {
			codes[c] = true
		}
		action := "import"
		if replace {
			action = "replace"
		}
		for _, ind := range inds {
			if replace {
				if err := clearIndicator(ctx, tx, set, ind.Name); err != nil {
					return err
				}
			}
			if err := addIndicator(ctx, tx, set, ind, values[ind.Name], codes); err != nil {
				return err
			}
		}
		return addRevision(ctx, tx, "indicators", set, action, inds)
	})
}

// clearIndicator removes an indicator of a set and its values.
func clearIndicator(ctx context.Context, tx *Tx, set, name string) error {
	if _, err := tx.Exec(ctx, sqlDeleteIndicatorVals, set, name); err != nil {
		return fmt.Errorf("clear the values of %s: %w", name, err)
	}
	if _, err := tx.Exec(ctx, sqlDeleteIndicator, set, name); err != nil {
		return fmt.Errorf("clear indicator %s: %w", name, err)
	}
	return nil
}

// addIndicator writes one indicator of a set and its values by area code;
// codes are the set's areas.
func addIndicator(ctx context.Context, tx *Tx, set string, ind place.Indicator, values map[string]float64, codes map[string]bool) error {
	var exists bool
	if err := tx.QueryRow(ctx, sqlIndicatorExists, set, ind.Name).Scan(&exists); err != nil {
		return fmt.Errorf("indicator %s: %w", ind.Name, err)
	}
	if exists {
		return place.Errorf(place.ECONFLICT, "boundary set %s already has an indicator %s", set, ind.Name)
	}
	if _, err := tx.Exec(ctx, sqlInsertIndicator, set, ind.Name, ind.Title, ind.Kind, ind.Source, ind.Licence, ind.Attribution); err != nil {
		return fmt.Errorf("insert indicator %s: %w", ind.Name, err)
	}
	rows := make([][]any, 0, len(values))
	for _, code := range slices.Sorted(maps.Keys(values)) {
		if !codes[code] {
			return place.Errorf(place.EINVALID, "indicator %s: %q is not an area of %s", ind.Name, code, set)
		}
		rows = append(rows, []any{set, ind.Name, code, values[code]})
	}
	if err := tx.ExecBatch(ctx, sqlInsertIndicatorVal, rows); err != nil {
		return fmt.Errorf("insert values of %s: %w", ind.Name, err)
	}
	return nil
}

// scanText reads a row of one text column.
func scanText(r Row) (string, error) {
	var s string
	err := r.Scan(&s)
	return s, err
}

// Indicators lists a set's indicators by name; ENOTFOUND for an unknown
// set.
func (db *DB) Indicators(ctx context.Context, set string) ([]place.Indicator, error) {
	if _, err := db.Set(ctx, set); err != nil {
		return nil, err
	}
	rows, err := db.d.Conns.Reads().Query(ctx, sqlSelectIndicators+db.d.SQL.Binary(), set)
	out, err := collect(rows, err, func(r Row) (place.Indicator, error) {
		var i place.Indicator
		err := r.Scan(&i.Set, &i.Name, &i.Title, &i.Kind, &i.Source, &i.Licence, &i.Attribution)
		return i, err
	})
	if err != nil {
		return nil, fmt.Errorf("indicators of %s: %w", set, err)
	}
	if out == nil {
		out = []place.Indicator{}
	}
	return out, nil
}

// IndicatorValues returns one indicator's values by area code; ENOTFOUND
// for an unknown set or indicator.
func (db *DB) IndicatorValues(ctx context.Context, set, name string) (map[string]float64, error) {
	var exists bool
	if err := db.d.Conns.Reads().QueryRow(ctx, sqlIndicatorExists, set, name).Scan(&exists); err != nil {
		return nil, fmt.Errorf("indicator %s of %s: %w", name, set, err)
	}
	if !exists {
		if _, err := db.Set(ctx, set); err != nil {
			return nil, err
		}
		return nil, place.Errorf(place.ENOTFOUND, "boundary set %s has no indicator %q", set, name)
	}
	rows, err := db.d.Conns.Reads().Query(ctx, sqlIndicatorValues, set, name)
	if err != nil {
		return nil, fmt.Errorf("values of %s of %s: %w", name, set, err)
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var c string
		var v float64
		if err := rows.Scan(&c, &v); err != nil {
			return nil, fmt.Errorf("values of %s of %s: %w", name, set, err)
		}
		out[c] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("values of %s of %s: %w", name, set, err)
	}
	return out, nil
}

// AreaNames returns the name of every area of a set by code, without
// reading their shapes: what a table of a set's figures lists. ENOTFOUND
// for an unknown set.
func (db *DB) AreaNames(ctx context.Context, set string) (map[string]string, error) {
	if _, err := db.Set(ctx, set); err != nil {
		return nil, err
	}
	rows, err := db.d.Conns.Reads().Query(ctx, sqlAreaNames, set)
	if err != nil {
		return nil, fmt.Errorf("area names of %s: %w", set, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			return nil, fmt.Errorf("area names of %s: %w", set, err)
		}
		out[code] = name
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("area names of %s: %w", set, err)
	}
	return out, nil
}

// AssetCounts counts the assets placed in each area of a set, by category
// (area code → category → count); ENOTFOUND for an unknown set.
func (db *DB) AssetCounts(ctx context.Context, set string) (map[string]map[string]int, error) {
	if _, err := db.Set(ctx, set); err != nil {
		return nil, err
	}
	rows, err := db.d.Conns.Reads().Query(ctx, sqlAssetCounts, set)
	if err != nil {
		return nil, fmt.Errorf("asset counts of %s: %w", set, err)
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var code, cat string
		var n int
		if err := rows.Scan(&code, &cat, &n); err != nil {
			return nil, fmt.Errorf("asset counts of %s: %w", set, err)
		}
		if out[code] == nil {
			out[code] = map[string]int{}
		}
		out[code][cat] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("asset counts of %s: %w", set, err)
	}
	return out, nil
}

// SavePlace creates or replaces a place and its links. EINVALID for a bad
// place or a link to no area.
func (db *DB) SavePlace(ctx context.Context, p place.Place) error {
	if err := p.Validate(); err != nil {
		return err
	}
	alt := p.AltNames
	if alt == nil {
		alt = []string{}
	}
	altJSON, err := json.Marshal(alt)
	if err != nil {
		return fmt.Errorf("place %s: alt names: %w", p.Slug, err)
	}
	return db.write(ctx, func(tx *Tx) error {
		tx.tiles() // its own statements write no tile layer's data; the helpers that do name their layers
		if _, err := tx.Exec(ctx, sqlSavePlace, p.Slug, p.Name, string(altJSON)); err != nil {
			return fmt.Errorf("save place %s: %w", p.Slug, err)
		}
		if _, err := tx.Exec(ctx, sqlDeletePlaceLinks, p.Slug); err != nil {
			return fmt.Errorf("save place %s: %w", p.Slug, err)
		}
		rows := make([][]any, 0, len(p.Links))
		for _, l := range p.Links {
			if err := areaExists(ctx, tx, l.Set, l.Code, place.EINVALID); err != nil {
				return fmt.Errorf("place %s: %w", p.Slug, err)
			}
			rows = append(rows, []any{p.Slug, l.Set, l.Code, l.Confirmed, l.Note, l.Review})
		}
		if err := tx.ExecBatch(ctx, sqlInsertPlaceLink, rows); err != nil {
			return fmt.Errorf("save place %s: %w", p.Slug, err)
		}
		return addRevision(ctx, tx, "place", p.Slug, "save", p)
	})
}

// Places lists every place by slug.
func (db *DB) Places(ctx context.Context) ([]place.Place, error) {
	rows, err := db.d.Conns.Reads().Query(ctx, sqlPlaceSlugs+db.d.SQL.Binary())
	slugs, err := collect(rows, err, scanText)
	if err != nil {
		return nil, fmt.Errorf("list places: %w", err)
	}
	out := []place.Place{}
	for _, slug := range slugs {
		p, err := db.Place(ctx, slug)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Place returns one place with its links in set order; ENOTFOUND.
func (db *DB) Place(ctx context.Context, slug string) (place.Place, error) {
	p := place.Place{Slug: slug}
	var alt string
	err := db.d.Conns.Reads().QueryRow(ctx, sqlPlace, slug).Scan(&p.Name, &alt)
	if noRows(err) {
		return p, place.Errorf(place.ENOTFOUND, "no place %q", slug)
	}
	if err != nil {
		return p, fmt.Errorf("place %s: %w", slug, err)
	}
	if err := json.Unmarshal([]byte(alt), &p.AltNames); err != nil {
		return p, fmt.Errorf("place %s: alt names: %w", slug, err)
	}
	rows, err := db.d.Conns.Reads().Query(ctx, sqlPlaceLinks+db.d.SQL.Binary(), slug)
	links, err := collect(rows, err, func(r Row) (place.PlaceLink, error) {
		var l place.PlaceLink
		err := r.Scan(&l.Set, &l.Code, &l.Confirmed, &l.Note, &l.Review)
		return l, err
	})
	if err != nil {
		return p, fmt.Errorf("links of place %s: %w", slug, err)
	}
	p.Links = links
	if p.Links == nil {
		p.Links = []place.PlaceLink{}
	}
	return p, nil
}
