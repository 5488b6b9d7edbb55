package store

import "strings"

// queries are the read statements built from the dialect's fragments: made
// once, when the store opens, so a tile or a page of assets builds no SQL
// text. Their parameters are numbered as the functions using them add
// their values.
type queries struct {
	setColumns, areaColumns, assetColumns string
	// areas lists a set's areas ($1 set, $2 limit, $3 offset);
	// areasInBox those meeting a box ($1-$4 box, $5 set, $6 limit, $7 offset).
	areas, areasInBox string
	// areaShapes: $1-$4 box, $5 set, $6 least span, $7 limit; the
	// largest first. areaShapesAny is the same in no order: it reads
	// whole rows without sorting them, for when all of them are wanted.
	areaShapes, areaShapesAny string
	// bandShapes, bandShapesAny: the same with each area's geometry of the
	// zoom band $8 where it has one (area_bands), else the full one.
	bandShapes, bandShapesAny string
	// assets by the filters a query uses (assetFilters).
	assets [1 << assetFilterCount]assetQuery
	search searchQueries
	cells  cellQueries
}

// assetQuery counts and lists the assets of one combination of filters.
type assetQuery struct{ count, list string }

// The filters of an asset query, in the order their parameters come: a
// box (4), an area (2), a category, a review date, a name.
const (
	inBox = 1 << iota
	inArea
	ofCategory
	reviewedBefore
	named
	assetFilterCount = iota
)

// assetFilters says which filters q uses.
func assetFilters(q AssetQuery) int {
	f := 0
	if q.BBox != nil {
		f |= inBox
	}
	if q.InSet != "" {
		f |= inArea
	}
	if q.Category != "" {
		f |= ofCategory
	}
	if q.ReviewedBefore != nil {
		f |= reviewedBefore
	}
	if q.Q != "" {
		f |= named
	}
	return f
}

func buildQueries(d Dialect) *queries {
	q := &queries{}
	b := d.Geometry.Bounds("extent")
	q.setColumns = `slug, title, kind, publisher, release_date, licence, attribution, source, description, area_count, created_at, ` +
		strings.Join(b[:], ", ") + `, code_field, name_field, provenance,
	coalesce((SELECT r.series FROM set_releases r WHERE r.set_slug = boundary_sets.slug), ''),
	coalesce((SELECT x.current_set FROM set_releases r JOIN series x ON x.slug = r.series WHERE r.set_slug = boundary_sets.slug), '')`
	q.areaColumns = `a.fid, a.set_slug, a.code, a.name, a.properties, ` + d.Geometry.Out("a.geom")
	q.assetColumns = `a.fid, a.id, a.name, a.category, a.status, a.address, a.postcode, a.opening_hours, a.phone,
	a.email, a.website, a.operator, a.tags, a.source, a.source_id, a.licence, a.attribution, a.version, a.updated_at, ` +
		d.Geometry.Out("a.geom") + `, a.last_reviewed`
	byCode := ` ORDER BY a.code` + d.SQL.Binary()
	q.areas = `SELECT ` + q.areaColumns + ` FROM areas a WHERE a.set_slug = $1` + byCode + ` LIMIT $2 OFFSET $3`
	from, where := d.Index.BoxFrom("areas", "a", [4]string{"$1", "$2", "$3", "$4"})
	q.areasInBox = `SELECT ` + q.areaColumns + ` FROM ` + from + ` WHERE ` + where + ` AND a.set_slug = $5` + byCode + ` LIMIT $6 OFFSET $7`
	span := d.Index.SpanOf("a")
	shapes := func(geom, join string) (sorted, unsorted string) {
		unsorted = `SELECT a.fid, a.code, a.name, ` + geom + ` FROM ` + from + join + ` WHERE ` + where +
			` AND a.set_slug = $5 AND ` + span + ` >= $6`
		return unsorted + ` ORDER BY ` + span + ` DESC, a.fid LIMIT $7`, unsorted + ` LIMIT $7`
	}
	q.areaShapes, q.areaShapesAny = shapes(d.Geometry.Out("a.geom"), "")
	// COALESCE reads the full geometry only for areas without the band. A
	// subquery rather than a join: one look-up by key an area, where
	// PostgreSQL would hash a join by reading the band of every set.
	q.bandShapes, q.bandShapesAny = shapes(`COALESCE((SELECT b.geom FROM area_bands b WHERE b.fid = a.fid AND b.band = $8), `+
		d.Geometry.Out("a.geom")+`)`, "")
	q.search = buildSearchQueries(d)
	q.cells = buildCellQueries(d)
	for f := range q.assets {
		q.assets[f] = buildAssetQuery(d, q.assetColumns, f)
	}
	return q
}

// buildAssetQuery is the asset query using the filters f, its parameters
// numbered in the order of the filters, then limit and offset.
func buildAssetQuery(d Dialect, columns string, f int) assetQuery {
	n := 0
	p := func() string { n++; return placeholder(n) }
	from, where := `assets a`, []string{}
	if f&inBox != 0 {
		var w string
		from, w = d.Index.BoxFrom("assets", "a", [4]string{p(), p(), p(), p()})
		where = append(where, w)
	}
	if f&inArea != 0 {
		from += ` JOIN memberships m ON m.asset_id = a.id`
		where = append(where, `m.set_slug = `+p()+` AND m.area_code = `+p())
	}
	if f&ofCategory != 0 {
		where = append(where, `a.category = `+p())
	}
	if f&reviewedBefore != 0 {
		where = append(where, `(a.last_reviewed IS NULL OR a.last_reviewed < `+p()+`)`)
	}
	if f&named != 0 {
		where = append(where, `a.name_key LIKE `+p()+` ESCAPE '\'`)
	}
	from = ` FROM ` + from
	if len(where) > 0 {
		from += ` WHERE ` + strings.Join(where, ` AND `)
	}
	bin := d.SQL.Binary()
	list := `SELECT ` + columns + from + ` ORDER BY a.name_key` + bin + `, a.id` + bin + ` LIMIT ` + p()
	list += ` OFFSET ` + p()
	return assetQuery{count: `SELECT count(*)` + from, list: list}
}

// assetArgs are the parameters of q's asset query, in its filters' order.
func assetArgs(q AssetQuery) []any {
	a := make([]any, 0, 11)
	if q.BBox != nil {
		a = append(a, q.BBox.Min[0], q.BBox.Min[1], q.BBox.Max[0], q.BBox.Max[1])
	}
	if q.InSet != "" {
		a = append(a, q.InSet, q.InCode)
	}
	if q.Category != "" {
		a = append(a, q.Category)
	}
	if q.ReviewedBefore != nil {
		a = append(a, dbTime(*q.ReviewedBefore))
	}
	if q.Q != "" {
		a = append(a, NameSearchPattern(q.Q))
	}
	return a
}
