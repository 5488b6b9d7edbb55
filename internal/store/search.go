package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/search"
)

// searchQueries find the candidates of a search, each kind by the dialect's
// full-text index ($1 the terms) — assets also by category ($1 the list) —
// shortest names first, at most search.Candidates of each.
type searchQueries struct {
	assets, assetsOfCategory, areas, places, basemap string
}

func buildSearchQueries(d Dialect) searchQueries {
	bin := d.SQL.Binary()
	limit := ` LIMIT ` + strconv.Itoa(search.Candidates)
	var q searchQueries
	ab := d.Geometry.Bounds("a.geom")
	assetCols := `SELECT a.id, a.name, a.category, ` + d.SQL.LocationOut("a") + `, ` + ab[0] + `, ` + ab[1] + `, ` + ab[2] + `, ` + ab[3]
	assetOrder := ` ORDER BY length(a.name), a.name` + bin + `, a.id` + bin + limit
	from, where := d.Text.Match("assets", "a", "$1")
	q.assets = assetCols + ` FROM ` + from + ` WHERE ` + where + assetOrder
	q.assetsOfCategory = assetCols + ` FROM assets a WHERE ` + d.SQL.InList("a.category", "$1") + assetOrder

	// The areas are chosen first, their bounds read after: a geometry is
	// read whole to find its bounds, and a short prefix matches thousands.
	from, where = d.Text.Match("areas", "a", "$1")
	areaOrder := ` ORDER BY length(a.name), a.name` + bin + `, a.set_slug` + bin + `, a.code` + bin + limit
	q.areas = `SELECT a.set_slug, bs.title, a.code, a.name,
	EXISTS (SELECT 1 FROM set_releases r JOIN series x ON x.slug = r.series WHERE r.set_slug = a.set_slug AND x.current_set <> a.set_slug), ` +
		ab[0] + `, ` + ab[1] + `, ` + ab[2] + `, ` + ab[3] + ` FROM areas a JOIN boundary_sets bs ON bs.slug = a.set_slug
	WHERE a.fid IN (SELECT a.fid FROM ` + from + ` WHERE ` + where + areaOrder + `)` + areaOrder

	// A place spans the areas it is linked to.
	lb := d.Geometry.Bounds("ar.geom")
	from, where = d.Text.Match("places", "p", "$1")
	q.places = `SELECT p.slug, p.name, p.alt_names, min(` + lb[0] + `), min(` + lb[1] + `), max(` + lb[2] + `), max(` + lb[3] + `) FROM ` + from +
		` LEFT JOIN place_links l ON l.place_slug = p.slug LEFT JOIN areas ar ON ar.set_slug = l.set_slug AND ar.code = l.area_code
	WHERE ` + where + ` GROUP BY p.slug, p.name, p.alt_names ORDER BY length(p.name), p.name` + bin + `, p.slug` + bin + limit

	from, where = d.Text.Match("basemap_names", "b", "$1")
	q.basemap = `SELECT b.id, b.kind, b.class, b.name, b.ref, b.lon, b.lat, b.min_lon, b.min_lat, b.max_lon, b.max_lat FROM ` + from +
		` WHERE ` + where + ` ORDER BY length(b.name), b.name` + bin + `, b.id` + limit
	return q
}

// SearchCandidates finds what q may mean: assets whose name has a word
// beginning with each term, or of a category q names; areas by name or
// code; places by name or alternative name; the street basemap's streets
// and place names by name or ref. At most search.Candidates of each kind;
// search.Rank orders them.
func (db *DB) SearchCandidates(ctx context.Context, q search.Query) ([]search.Candidate, error) {
	terms := db.d.Text.Terms(q.Terms)
	sq := db.q.search
	steps := []struct {
		what, query string
		arg         any
		scan        func(Row) (search.Candidate, error)
	}{
		{"assets", sq.assets, terms, scanAssetCandidate},
		{"assets by category", sq.assetsOfCategory, nil, scanAssetCandidate},
		{"areas", sq.areas, terms, scanAreaCandidate},
		{"places", sq.places, terms, scanPlaceCandidate},
		{"basemap names", sq.basemap, terms, scanBasemapCandidate},
	}
	if len(q.Categories) > 0 {
		list, err := db.d.SQL.List(q.Categories)
		if err != nil {
			return nil, err
		}
		steps[1].arg = list
	}
	out, err := db.postcodeCandidates(ctx, q)
	if err != nil {
		return nil, err
	}
	seenAsset := map[string]bool{}
	for _, st := range steps {
		if st.arg == nil {
			continue
		}
		rows, err := db.d.Conns.Reads().Query(ctx, st.query, st.arg)
		cs, err := collect(rows, err, st.scan)
		if err != nil {
			return nil, fmt.Errorf("search %s: %w", st.what, err)
		}
		for _, c := range cs {
			if c.Kind == search.Asset {
				if seenAsset[c.ID] {
					continue // found by name and by category
				}
				seenAsset[c.ID] = true
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// extent is a bounding box read as four nullable numbers.
type extent [4]*float64

func (e *extent) dest() []any { return []any{&e[0], &e[1], &e[2], &e[3]} }

// bound is the box, nil when unknown.
func (e extent) bound() *orb.Bound {
	if e[0] == nil || e[1] == nil || e[2] == nil || e[3] == nil {
		return nil
	}
	return &orb.Bound{Min: orb.Point{*e[0], *e[1]}, Max: orb.Point{*e[2], *e[3]}}
}

// extentOnly is b when it has an extent, nil for a point.
func extentOnly(b *orb.Bound) *orb.Bound {
	if b == nil || (b.Min == b.Max) {
		return nil
	}
	return b
}

// centre is the middle of b, nil when b is.
func centre(b *orb.Bound) *orb.Point {
	if b == nil {
		return nil
	}
	p := b.Center()
	return &p
}

func scanAssetCandidate(r Row) (search.Candidate, error) {
	c := search.Candidate{Kind: search.Asset}
	var lon, lat float64
	var e extent
	if err := r.Scan(append([]any{&c.ID, &c.Name, &c.Category, &lon, &lat}, e.dest()...)...); err != nil {
		return c, err
	}
	c.Point = &orb.Point{lon, lat}
	c.BBox = extentOnly(e.bound())
	return c, nil
}

func scanAreaCandidate(r Row) (search.Candidate, error) {
	c := search.Candidate{Kind: search.Area, Set: &search.SetRef{}}
	var e extent
	if err := r.Scan(append([]any{&c.Set.Slug, &c.Set.Title, &c.Code, &c.Name, &c.Old}, e.dest()...)...); err != nil {
		return c, err
	}
	c.ID = c.Code
	c.BBox = e.bound()
	c.Point = centre(c.BBox)
	return c, nil
}

func scanPlaceCandidate(r Row) (search.Candidate, error) {
	c := search.Candidate{Kind: search.Place}
	var alt string
	var e extent
	if err := r.Scan(append([]any{&c.ID, &c.Name, &alt}, e.dest()...)...); err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(alt), &c.Also); err != nil {
		return c, fmt.Errorf("place %s: alt names: %w", c.ID, err)
	}
	c.BBox = e.bound()
	c.Point = centre(c.BBox)
	return c, nil
}

func scanBasemapCandidate(r Row) (search.Candidate, error) {
	var c search.Candidate
	var id int64
	var kind, ref string
	var p orb.Point
	var b orb.Bound
	if err := r.Scan(&id, &kind, &c.Class, &c.Name, &ref, &p[0], &p[1], &b.Min[0], &b.Min[1], &b.Max[0], &b.Max[1]); err != nil {
		return c, err
	}
	c.ID = strconv.FormatInt(id, 10)
	c.Kind = search.Street
	if kind == "place" {
		c.Kind = search.PlaceName
	}
	if ref != "" {
		c.Also = []string{ref}
	}
	c.Point = &p
	c.BBox = extentOnly(&b)
	return c, nil
}
