package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// ImportIndicators attaches indicators to the areas of a set.
func (s *Store) ImportIndicators(ctx context.Context, set string, inds []place.Indicator, values map[string]map[string]float64) error {
	if err := store.CheckIndicators(set, inds, values); err != nil {
		return err
	}
	if _, err := s.Set(ctx, set); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		codes := map[string]bool{}
		rows, err := tx.Query(ctx, `SELECT code FROM areas WHERE set_slug = $1`, set)
		if err != nil {
			return translate(err)
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return err
			}
			codes[c] = true
		}
		rows.Close()
		for _, ind := range inds {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM indicators WHERE set_slug = $1 AND name = $2)`, set, ind.Name).Scan(&exists); err != nil {
				return translate(err)
			}
			if exists {
				return place.Errorf(place.ECONFLICT, "boundary set %s already has an indicator %s", set, ind.Name)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO indicators (set_slug, name, title, kind, source, licence, attribution)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, set, ind.Name, ind.Title, ind.Kind, ind.Source, ind.Licence, ind.Attribution); err != nil {
				return fmt.Errorf("insert indicator %s: %w", ind.Name, translate(err))
			}
			batch := &pgx.Batch{}
			for _, code := range slices.Sorted(maps.Keys(values[ind.Name])) {
				if !codes[code] {
					return place.Errorf(place.EINVALID, "indicator %s: %q is not an area of %s", ind.Name, code, set)
				}
				batch.Queue(`INSERT INTO indicator_values (set_slug, indicator, area_code, value) VALUES ($1, $2, $3, $4)`,
					set, ind.Name, code, values[ind.Name][code])
			}
			if err := tx.SendBatch(ctx, batch).Close(); err != nil {
				return fmt.Errorf("insert values of %s: %w", ind.Name, translate(err))
			}
		}
		return addRevision(ctx, tx, "indicators", set, "import", inds)
	})
}

// Indicators lists a set's indicators by name.
func (s *Store) Indicators(ctx context.Context, set string) ([]place.Indicator, error) {
	if _, err := s.Set(ctx, set); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT set_slug, name, title, kind, source, licence, attribution
		FROM indicators WHERE set_slug = $1 ORDER BY name COLLATE "C"`, set)
	if err != nil {
		return nil, fmt.Errorf("indicators of %s: %w", set, translate(err))
	}
	defer rows.Close()
	out := []place.Indicator{}
	for rows.Next() {
		var i place.Indicator
		if err := rows.Scan(&i.Set, &i.Name, &i.Title, &i.Kind, &i.Source, &i.Licence, &i.Attribution); err != nil {
			return nil, translate(err)
		}
		out = append(out, i)
	}
	return out, translate(rows.Err())
}

// IndicatorValues returns one indicator's values by area code.
func (s *Store) IndicatorValues(ctx context.Context, set, name string) (map[string]float64, error) {
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM indicators WHERE set_slug = $1 AND name = $2)`, set, name).Scan(&exists); err != nil {
		return nil, translate(err)
	}
	if !exists {
		if _, err := s.Set(ctx, set); err != nil {
			return nil, err
		}
		return nil, place.Errorf(place.ENOTFOUND, "boundary set %s has no indicator %q", set, name)
	}
	rows, err := s.pool.Query(ctx, `SELECT area_code, value FROM indicator_values WHERE set_slug = $1 AND indicator = $2`, set, name)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var c string
		var v float64
		if err := rows.Scan(&c, &v); err != nil {
			return nil, translate(err)
		}
		out[c] = v
	}
	return out, translate(rows.Err())
}

// AssetCounts counts the assets in each area of a set by category.
func (s *Store) AssetCounts(ctx context.Context, set string) (map[string]map[string]int, error) {
	if _, err := s.Set(ctx, set); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT m.area_code, a.category, count(*) FROM memberships m
		JOIN assets a ON a.id = m.asset_id WHERE m.set_slug = $1 GROUP BY m.area_code, a.category`, set)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var code, cat string
		var n int
		if err := rows.Scan(&code, &cat, &n); err != nil {
			return nil, translate(err)
		}
		if out[code] == nil {
			out[code] = map[string]int{}
		}
		out[code][cat] = n
	}
	return out, translate(rows.Err())
}

// SavePlace creates or replaces a place and its links.
func (s *Store) SavePlace(ctx context.Context, p place.Place) error {
	if err := p.Validate(); err != nil {
		return err
	}
	alt := p.AltNames
	if alt == nil {
		alt = []string{}
	}
	altJSON, err := json.Marshal(alt)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO places (slug, name, alt_names) VALUES ($1, $2, $3)
			ON CONFLICT (slug) DO UPDATE SET name = excluded.name, alt_names = excluded.alt_names`, p.Slug, p.Name, altJSON); err != nil {
			return fmt.Errorf("save place %s: %w", p.Slug, translate(err))
		}
		if _, err := tx.Exec(ctx, `DELETE FROM place_links WHERE place_slug = $1`, p.Slug); err != nil {
			return translate(err)
		}
		for _, l := range p.Links {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM areas WHERE set_slug = $1 AND code = $2)`, l.Set, l.Code).Scan(&exists); err != nil {
				return translate(err)
			}
			if !exists {
				return place.Errorf(place.EINVALID, "place %s: no area %q in boundary set %q", p.Slug, l.Code, l.Set)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO place_links (place_slug, set_slug, area_code, confirmed, note, review) VALUES ($1, $2, $3, $4, $5, $6)`,
				p.Slug, l.Set, l.Code, l.Confirmed, l.Note, l.Review); err != nil {
				return fmt.Errorf("save place %s: %w", p.Slug, translate(err))
			}
		}
		return addRevision(ctx, tx, "place", p.Slug, "save", p)
	})
}

// Places lists every place by slug.
func (s *Store) Places(ctx context.Context) ([]place.Place, error) {
	rows, err := s.pool.Query(ctx, `SELECT slug FROM places ORDER BY slug COLLATE "C"`)
	if err != nil {
		return nil, translate(err)
	}
	slugs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, translate(err)
	}
	out := []place.Place{}
	for _, slug := range slugs {
		p, err := s.Place(ctx, slug)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Place returns one place with its links in set order.
func (s *Store) Place(ctx context.Context, slug string) (place.Place, error) {
	p := place.Place{Slug: slug}
	var alt []byte
	err := s.pool.QueryRow(ctx, `SELECT name, alt_names FROM places WHERE slug = $1`, slug).Scan(&p.Name, &alt)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, place.Errorf(place.ENOTFOUND, "no place %q", slug)
	}
	if err != nil {
		return p, translate(err)
	}
	if err := json.Unmarshal(alt, &p.AltNames); err != nil {
		return p, fmt.Errorf("place %s: alt names: %w", slug, err)
	}
	rows, err := s.pool.Query(ctx, `SELECT l.set_slug, l.area_code, l.confirmed, l.note, l.review FROM place_links l
		JOIN boundary_sets b ON b.slug = l.set_slug WHERE l.place_slug = $1 ORDER BY b.fid, l.area_code COLLATE "C"`, slug)
	if err != nil {
		return p, translate(err)
	}
	defer rows.Close()
	p.Links = []place.PlaceLink{}
	for rows.Next() {
		var l place.PlaceLink
		if err := rows.Scan(&l.Set, &l.Code, &l.Confirmed, &l.Note, &l.Review); err != nil {
			return p, translate(err)
		}
		p.Links = append(p.Links, l)
	}
	return p, translate(rows.Err())
}
