// Package store is placemap's store of boundary sets, areas, assets,
// memberships, accounts, suggestions and their history: every workflow
// written once (DB), over any SQL database a Dialect describes. The
// dialects live beside it — gpkg (an embedded GeoPackage file, the
// default) and postgis (PostgreSQL with PostGIS, production) — and hold
// only what differs: opening and migrating, the driver and its errors,
// geometry encoding and the spatial index. storetest is the suite every
// dialect passes.
//
// Where a change goes:
//   - a rule (what is valid, what a decision writes): internal/place;
//   - a workflow (what a write does, in which order, in one transaction):
//     the file of that workflow here (assets_write.go, import.go,
//     suggestions.go, releases.go, accounts.go, …), as a DB method
//     with small helpers taking the *Tx;
//   - SQL both databases run: sql.go, or beside the workflow when it is
//     built from the dialect's fragments;
//   - SQL only one database can run: a Dialect method, in both dialects.
//
// Consumers declare the few methods they use as an interface of their own
// (httpapi.Stores, tiles.Source, importer's and reconcile's).
package store

import (
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/place"
)

// MaxPage is the most features any one query returns. Callers cannot lift it.
const MaxPage = 10000

// AreaQuery selects areas of one boundary set.
type AreaQuery struct {
	BBox   *orb.Bound // areas whose bounding box meets this one; nil for all
	Limit  int        // 0 means MaxPage
	Offset int
}

// SuggestionQuery selects one page of suggestions, oldest first.
type SuggestionQuery struct {
	Status string // pending, accepted or rejected; "" for all
	Limit  int    // 0 means MaxPage
	Offset int
}

// SuggestionPage is one page of suggestions and how many match in all.
type SuggestionPage struct {
	Suggestions []place.Suggestion
	Matched     int
}

// ShapeQuery selects the areas a tile shows.
type ShapeQuery struct {
	BBox  orb.Bound
	Limit int // 0 means MaxPage; past it the areas of largest span are kept
	// MinSpan leaves out areas whose bounding box is narrower and shorter
	// than this many degrees: too small to be seen at the tile's zoom.
	MinSpan float64
	// Generalised lets the store answer with each area's geometry
	// generalised for tiles of zoom Zoom (its zoom band, see BandTops)
	// rather than the full geometry: what a tile of that zoom draws the
	// same. Past the last band, and without Generalised, the full geometry.
	// Which areas answer does not change, only their geometry.
	Generalised bool
	Zoom        int
}

// AssetQuery selects assets.
type AssetQuery struct {
	BBox     *orb.Bound // assets whose location lies in this box
	Category string     // a category id, or "" for all
	InSet    string     // with InCode: only assets placed in this area
	InCode   string
	Q        string // case-insensitive substring of the name
	Limit    int    // 0 means MaxPage
	Offset   int
	NoCount  bool // leave AssetPage.Matched at 0 rather than count (tiles need no count)
	// ReviewedBefore, when set, keeps assets never reviewed or last
	// reviewed before it: the "needs review" list.
	ReviewedBefore *time.Time
}

// SuccessorQuery selects successor links; empty fields match all.
type SuccessorQuery struct {
	OldSet, OldCode string
	NewSet, NewCode string
}

// CellQuery asks how many assets lie in each cell of a tile: what a
// low-zoom tile shows in place of more assets than it can carry. The tile
// is cut into 2^Depth × 2^Depth cells, each a tile of zoom Tile.Z + Depth
// of the Web Mercator pyramid, no deeper than MaxCellLevel. An asset lies
// in the tile of each zoom holding its location, tiles holding their west
// and north edges (a location on the edge between two cells is in the one
// east or south of it); latitudes beyond Web Mercator's are held to its
// edges.
type CellQuery struct {
	Tile  maptile.Tile
	Depth int
}

// AssetCell counts the assets of one category whose location lies in one
// cell of a CellQuery's tile; column 0, row 0 is the cell at the tile's
// north-west corner.
type AssetCell struct {
	Col, Row int
	Category string
	Count    int
	SumLon   float64 // of the assets' locations, for their mean
	SumLat   float64
}

// Check says what is wrong with a cell query, if anything.
func (q CellQuery) Check() error {
	t := q.Tile
	if q.Depth < 0 || q.Depth > 8 || int(t.Z)+q.Depth > MaxCellLevel {
		return place.Errorf(place.EINVALID, "cell query: zoom %d cut %d zooms deeper, want 0-8 and at most zoom %d", t.Z, q.Depth, MaxCellLevel)
	}
	if !t.Valid() {
		return place.Errorf(place.EINVALID, "cell query: no tile %d/%d/%d", t.Z, t.X, t.Y)
	}
	return nil
}

// AssetPage is one page of assets, ordered by name then id, and the number
// of assets that match in all.
type AssetPage struct {
	Assets  []place.Asset
	Matched int
}

// AssetStats sums up all assets.
type AssetStats struct {
	Count        int
	BBox         orb.Bound // of every asset's geometry; zero when Count is 0
	Attributions []string  // distinct attributions of the assets' sources, sorted
	Licences     []string  // distinct licences, sorted
}

// ImportReport says what an import wrote.
type ImportReport struct {
	Areas       int // areas written
	Assets      int // assets written
	Memberships int // memberships computed
}
