// Package store defines what placemap needs from a store of boundary sets,
// areas, assets and memberships. Implementations live in gpkg (embedded,
// the default) and postgis (production); storetest holds the suite both pass.
package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/rfc7946"
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

// Release makes a boundary set a release of a series.
type Release struct {
	Series      string // the series' slug; a new series is made
	SeriesTitle string // a new series' title ("" for the set's title); ignored for an existing series
	// Current makes the set the series' current release. A series' first
	// release is current whatever this says.
	Current bool
	// Successors link areas of earlier releases of the series to the
	// set's areas, computed from their crosswalk (status computed).
	Successors []place.Successor
	// PlaceLinks carry places defined by areas of earlier releases to the
	// set's areas; a link the place has already is left as it is.
	PlaceLinks []PlaceLinkAdd
}

// PlaceLinkAdd is a link to add to a place.
type PlaceLinkAdd struct {
	Place string
	place.PlaceLink
}

// CheckRelease checks a release's fields for set: the series slug, and
// that every link ends in set.
func CheckRelease(set string, r Release) error {
	if !place.ValidSlug(r.Series) {
		return place.Errorf(place.EINVALID, "series %q: use 1-64 lower-case letters, digits and hyphens", r.Series)
	}
	for i, l := range r.Successors {
		if l.NewSet != set {
			return place.Errorf(place.EINVALID, "successor link %d: ends in %q, not the release %q", i, l.NewSet, set)
		}
		if l.OldSet == set || l.OldCode == "" || l.NewCode == "" {
			return place.Errorf(place.EINVALID, "successor link %d: want an area of an earlier release and one of %q", i, set)
		}
		if !place.ValidSuccessorStatus(l.Status) {
			return place.Errorf(place.EINVALID, "successor link %d: status %q", i, l.Status)
		}
	}
	for i, l := range r.PlaceLinks {
		if l.Set != set {
			return place.Errorf(place.EINVALID, "place link %d (%s): links to %q, not the release %q", i, l.Place, l.Set, set)
		}
	}
	return nil
}

// SuccessorQuery selects successor links; empty fields match all.
type SuccessorQuery struct {
	OldSet, OldCode string
	NewSet, NewCode string
}

// CellQuery asks how many assets lie in each cell of a grid over a box: what
// a low-zoom tile shows in place of more assets than it can carry. A
// location's column is int((lon - Min.lon) / width * Cols), its row the
// same in latitude, each clamped to the grid.
type CellQuery struct {
	BBox orb.Bound // assets whose location lies in [Min, Max) on both axes
	Cols int       // the box is cut into Cols × Rows equal cells
	Rows int
}

// AssetCell counts the assets of one category whose location lies in one
// cell of a CellQuery's grid; column 0, row 0 is the cell at BBox.Min.
type AssetCell struct {
	Col, Row int
	Category string
	Count    int
	SumLon   float64 // of the assets' locations, for their mean
	SumLat   float64
}

// Check says what is wrong with a cell query, if anything.
func (q CellQuery) Check() error {
	if !(q.BBox.Max[0] > q.BBox.Min[0] && q.BBox.Max[1] > q.BBox.Min[1]) {
		return place.Errorf(place.EINVALID, "cell query: empty box %v", q.BBox)
	}
	if q.Cols < 1 || q.Rows < 1 || q.Cols > 256 || q.Rows > 256 {
		return place.Errorf(place.EINVALID, "cell query: grid %d × %d, want 1-256 each way", q.Cols, q.Rows)
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

// Store is the whole of what placemap reads and writes. Every write is
// all-or-nothing and recomputes the memberships it affects.
type Store interface {
	// ImportSet writes a new boundary set with its areas and places every
	// asset in it. ECONFLICT if the slug is taken or two areas share a code;
	// EINVALID if the set or an area breaks a rule.
	ImportSet(ctx context.Context, set place.BoundarySet, areas []place.Area) (ImportReport, error)
	// ImportRelease is ImportSet for a release of a series: in the same
	// transaction it records the set in the series (made if new), stores
	// the successor links into it and, if current (or the first), makes it
	// the series' current release. ENOTFOUND if a link starts at an area
	// that does not exist; EINVALID if it starts in a set of another series
	// or ends at an area the set lacks.
	ImportRelease(ctx context.Context, set place.BoundarySet, areas []place.Area, r Release) (ImportReport, error)
	// AddRelease makes an existing set a release of a series, as
	// ImportRelease does. ECONFLICT if it is a release of a series already.
	AddRelease(ctx context.Context, set string, r Release) error
	// Series lists every series with its releases in release order.
	Series(ctx context.Context) ([]place.Series, error)
	// SetCurrentRelease makes set the series' current release; ENOTFOUND
	// for an unknown series, EINVALID if set is not one of its releases.
	SetCurrentRelease(ctx context.Context, series, set string) error
	// Successors lists the successor links matching q (rejected ones too),
	// ordered by old set, old code, share of the old area (largest first).
	Successors(ctx context.Context, q SuccessorQuery) ([]place.Successor, error)
	// DecideSuccessors records a person's decision on where an area of
	// oldSet went in newSet: the links to the codes in keep stand
	// (computed ones become confirmed, missing ones are added as corrected
	// with the shares given), every other link from it into newSet is
	// rejected. ENOTFOUND for an unknown area; EINVALID for a code newSet
	// lacks or two releases that are not old and new of one series.
	DecideSuccessors(ctx context.Context, oldSet, oldCode, newSet string, keep []place.Successor, by, note string) ([]place.Successor, error)
	// Sets lists every boundary set by slug. Set returns one; ENOTFOUND.
	Sets(ctx context.Context) ([]place.SetSummary, error)
	Set(ctx context.Context, slug string) (place.SetSummary, error)
	// Areas lists areas of a set ordered by code; ENOTFOUND for an unknown set.
	Areas(ctx context.Context, set string, q AreaQuery) ([]place.Area, error)
	// AreaShapes returns the id, code, name and geometry of the areas of
	// a set whose bounding box meets q.BBox and spans at least q.MinSpan,
	// in no order: what a tile needs. Past q.Limit, the largest are kept.
	// ENOTFOUND for an unknown set.
	AreaShapes(ctx context.Context, set string, q ShapeQuery) ([]place.Area, error)
	// Area returns one area; ENOTFOUND.
	Area(ctx context.Context, set, code string) (place.Area, error)
	// AreaCode returns the code of the area of a set with a tile feature
	// id (place.Area.ID); ENOTFOUND.
	AreaCode(ctx context.Context, set string, id int64) (string, error)

	// AddAssets writes new assets and places each in every set. ECONFLICT
	// if an id is taken; EINVALID if an asset breaks a rule.
	AddAssets(ctx context.Context, assets []place.Asset) (ImportReport, error)
	// UpdateAsset replaces an asset's fields and geometry and places it
	// again, if its version is still ifVersion; it returns the asset with
	// its new version. ENOTFOUND for an unknown id; ECONFLICT, naming the
	// current version, when someone else updated it first; EINVALID if the
	// new asset breaks a rule.
	UpdateAsset(ctx context.Context, a place.Asset, ifVersion int64) (place.Asset, error)
	// Assets lists assets matching q. Asset returns one; ENOTFOUND.
	Assets(ctx context.Context, q AssetQuery) (AssetPage, error)
	Asset(ctx context.Context, id string) (place.Asset, error)
	// AssetCells counts the assets whose location lies in q.BBox by cell of
	// q's grid and category, in no order; cells without assets are left out.
	// EINVALID for an empty box or a grid of fewer than one or more than
	// 256 × 256 cells.
	AssetCells(ctx context.Context, q CellQuery) ([]AssetCell, error)
	// AssetStats counts assets and lists their extent and attributions.
	AssetStats(ctx context.Context) (AssetStats, error)
	// Memberships lists the area of every set that holds the asset, in the
	// order of the sets; ENOTFOUND for an unknown asset.
	Memberships(ctx context.Context, assetID string) ([]place.Membership, error)

	// ImportIndicators attaches indicators to the areas of a set, values
	// keyed by indicator name then area code. ENOTFOUND for an unknown set;
	// ECONFLICT if the set has an indicator of that name; EINVALID for an
	// unknown area code or a bad indicator.
	ImportIndicators(ctx context.Context, set string, inds []place.Indicator, values map[string]map[string]float64) error
	// Indicators lists a set's indicators by name. IndicatorValues returns
	// one indicator's values by area code; ENOTFOUND.
	Indicators(ctx context.Context, set string) ([]place.Indicator, error)
	IndicatorValues(ctx context.Context, set, name string) (map[string]float64, error)
	// AssetCounts counts the assets placed in each area of a set, by
	// category: area code → category → count. ENOTFOUND for an unknown set.
	AssetCounts(ctx context.Context, set string) (map[string]map[string]int, error)

	// SavePlace creates or replaces a place and its links. EINVALID for a
	// link to an area that does not exist.
	SavePlace(ctx context.Context, p place.Place) error
	// Places lists every place by slug; Place returns one (ENOTFOUND).
	Places(ctx context.Context) ([]place.Place, error)
	Place(ctx context.Context, slug string) (place.Place, error)

	// UpdateArea renames or redraws an area if its version is still
	// ifVersion, places again the assets the change touches, and returns
	// the new version. EINVALID for an invalid geometry; ENOTFOUND;
	// ECONFLICT naming the current version. AreaVersion reads a version.
	UpdateArea(ctx context.Context, a place.Area, ifVersion int64) (int64, error)
	// AddArea adds an area to a set and places the assets on its ground;
	// ECONFLICT if the code is taken. DeleteArea removes one if its version
	// is still ifVersion, and places its assets again.
	AddArea(ctx context.Context, a place.Area) error
	DeleteArea(ctx context.Context, set, code string, ifVersion int64) error
	AreaVersion(ctx context.Context, set, code string) (int64, error)
	// MarkReviewed records that someone checked the asset now, if its
	// version is still ifVersion (a revision like any change).
	MarkReviewed(ctx context.Context, id string, ifVersion int64) (place.Asset, error)
	// DeleteAsset removes an asset and its memberships if its version is
	// still ifVersion. ENOTFOUND; ECONFLICT naming the current version.
	DeleteAsset(ctx context.Context, id string, ifVersion int64) error

	// CreateUser adds an account; ECONFLICT if the email is taken.
	CreateUser(ctx context.Context, u auth.User) error
	// UserByEmail and User find an account; ENOTFOUND.
	UserByEmail(ctx context.Context, email string) (auth.User, error)
	User(ctx context.Context, id string) (auth.User, error)
	// SetDisplayName changes how an account is shown to the public ("" for
	// its role's phrase), as a revision. EINVALID for a name
	// auth.CheckDisplayName refuses; ENOTFOUND.
	SetDisplayName(ctx context.Context, userID, name string) error
	// GrantedScopes lists every scope any account holds, each once,
	// ordered by set then code: the areas no editor may redraw.
	GrantedScopes(ctx context.Context) ([]place.Scope, error)
	// CreateSession stores a session; Session finds an unexpired one by the
	// hash of its secret (ENOTFOUND otherwise); DeleteSession ends it.
	CreateSession(ctx context.Context, s auth.Session) error
	Session(ctx context.Context, hash string) (auth.Session, error)
	DeleteSession(ctx context.Context, hash string) error
	// CreateToken stores an API token; Token finds one by hash (ENOTFOUND).
	CreateToken(ctx context.Context, t auth.Token) error
	Token(ctx context.Context, hash string) (auth.Token, error)
	// Tokens lists an account's API tokens, oldest first. DeleteTokens
	// revokes those of the account whose ID (Token.ID) is given, or all of
	// them when id is "", and says how many went.
	Tokens(ctx context.Context, userID string) ([]auth.Token, error)
	DeleteTokens(ctx context.Context, userID, id string) (int, error)

	// Revisions lists an entity's revisions, oldest first ("asset", id).
	Revisions(ctx context.Context, entity, id string) ([]Revision, error)
	// Changes lists revisions with Seq above since, oldest first, at most
	// limit: a change feed a client follows with the last Seq it saw.
	Changes(ctx context.Context, since int64, limit int) ([]Revision, error)

	// CreateSuggestion records a proposed change: a new asset (Proposed
	// carries its id), a correction or a closure of AssetID (ENOTFOUND if
	// it does not exist) based on the asset at BaseVersion (0: the current
	// one; EINVALID for a version it never had), or a drawing. EINVALID if
	// the proposed asset breaks a rule or a drawing has more than
	// place.MaxDrawnVertices corners.
	CreateSuggestion(ctx context.Context, sg place.Suggestion) error
	// Suggestions lists one page of suggestions in a state ("" for all),
	// oldest first, and how many match in all; Suggestion returns one
	// (ENOTFOUND).
	Suggestions(ctx context.Context, q SuggestionQuery) (SuggestionPage, error)
	Suggestion(ctx context.Context, id string) (place.Suggestion, error)
	// DecideSuggestion accepts (applying the change, or d.Edited in its
	// place, in the same transaction) or rejects a pending suggestion,
	// recording who decided (the context's change author) and why.
	// ECONFLICT if it was decided already; if the asset of a correction or
	// closure is no longer at d.IfVersion (0: the suggestion's base); or,
	// for a new asset not confirmed (d.ConfirmNew) or merged (d.MergeInto),
	// if likely duplicates lie near (see Duplicates).
	DecideSuggestion(ctx context.Context, id string, d place.SuggestionDecision) (place.Suggestion, error)

	// SaveConflation records a conflation run, all or none: the run, its
	// verdicts (each replacing what an earlier run found for that asset),
	// its proposals for review, and the pending proposals of earlier runs
	// named in supersede marked superseded (those the run asks again, in
	// the runner's scope; a pending one not named stays pending). EINVALID
	// if the run or a proposal is malformed.
	SaveConflation(ctx context.Context, run place.ConflationRun, ps []place.Proposal, supersede []string) error
	// ConflationRuns lists the latest runs, newest first, at most limit,
	// without their verdicts.
	ConflationRuns(ctx context.Context, limit int) ([]place.ConflationRun, error)
	// ConflationVerdicts lists what the last run over each asset found,
	// one verdict per asset.
	ConflationVerdicts(ctx context.Context) ([]place.Verdict, error)
	// Proposals lists proposals in a state ("" for all), in the order they
	// were made; Proposal returns one (ENOTFOUND).
	Proposals(ctx context.Context, status string) ([]place.Proposal, error)
	Proposal(ctx context.Context, id string) (place.Proposal, error)
	// DecideProposal records a decision on a pending proposal and writes
	// what it makes (an asset added, or one updated if its version is still
	// d.UpdateFrom) in the same transaction. ECONFLICT if the proposal was
	// decided already or the asset changed since.
	DecideProposal(ctx context.Context, id string, d place.ProposalDecision) (place.Proposal, error)

	// DataVersion changes whenever any write commits, from any process, so
	// caches keyed by it never serve stale data.
	DataVersion(ctx context.Context) (int64, error)
	// Ping checks the store can answer; EUNAVAILABLE if not.
	Ping(ctx context.Context) error
	Close() error
}

type authorKey struct{}

// Change says who makes a change and why, for its revision.
type Change struct {
	Author  string
	Comment string
}

// WithChange returns a context whose writes are recorded as made by
// author, with comment.
func WithChange(ctx context.Context, author, comment string) context.Context {
	return context.WithValue(ctx, authorKey{}, Change{author, comment})
}

// ChangeOf returns who makes the writes of ctx; "placemap" (the program
// itself, importing) when nobody is named.
func ChangeOf(ctx context.Context) Change {
	if c, ok := ctx.Value(authorKey{}).(Change); ok && c.Author != "" {
		return c
	}
	return Change{Author: "placemap"}
}

// Revision is one immutable change: who made it, when, why, and the
// record as it stood after it (for a deletion, the last state).
type Revision struct {
	Seq       int64           `json:"seq"` // orders every change in the store
	Entity    string          `json:"entity"`
	EntityID  string          `json:"entity_id"`
	Action    string          `json:"action"` // create, update, delete, import, save
	Author    string          `json:"author"`
	Comment   string          `json:"comment,omitempty"`
	Data      json.RawMessage `json:"data"`
	CreatedAt time.Time       `json:"created_at"`
}

// AssetRecord is the form an asset takes in a revision: every field and
// its geometry as GeoJSON, so a revision can be restored.
type AssetRecord struct {
	place.Asset
	Geometry json.RawMessage `json:"geometry"`
}

// NewAssetRecord makes an asset's revision record.
func NewAssetRecord(a place.Asset) (AssetRecord, error) {
	g, err := geojson.NewGeometry(rfc7946.Orient(a.Geometry)).MarshalJSON()
	if err != nil {
		return AssetRecord{}, fmt.Errorf("asset %s: geometry: %w", a.ID, err)
	}
	return AssetRecord{Asset: a, Geometry: g}, nil
}

// AssetOf reads the asset back from a revision record.
func (r AssetRecord) AssetOf() (place.Asset, error) {
	a := r.Asset
	var g geojson.Geometry
	if err := g.UnmarshalJSON(r.Geometry); err != nil {
		return a, fmt.Errorf("revision of asset %s: geometry: %w", a.ID, err)
	}
	a.Geometry = g.Geometry()
	return a, nil
}

// CheckSuggestion validates a suggestion before a store records it.
func CheckSuggestion(sg *place.Suggestion) error {
	if len(sg.Comment) > 1000 {
		return place.Errorf(place.EINVALID, "comment is longer than 1000 characters")
	}
	if err := place.CheckText("comment", sg.Comment); err != nil {
		return err
	}
	sg.Status = place.Pending
	switch sg.Kind {
	case place.NewAsset:
		sg.AssetID = sg.Proposed.ID
		sg.BaseVersion, sg.Base = 0, nil
		if err := place.CheckDrawn("the new place's outline", sg.Proposed.Geometry); err != nil {
			return err
		}
	case place.Correction, place.Closure:
		if sg.AssetID == "" {
			return place.Errorf(place.EINVALID, "a %s names the asset it is about", sg.Kind)
		}
		sg.Proposed.ID = sg.AssetID
	case place.AreaDrawing:
		return checkDrawing(sg)
	default:
		return place.Errorf(place.EINVALID, "suggestion kind %q: want new, correction, closure or area", sg.Kind)
	}
	if sg.Kind == place.Closure {
		sg.Proposed.Status = place.Closed
	}
	if err := place.CheckSuggestedDetails(sg.Proposed); err != nil {
		return err
	}
	return place.CheckAssets([]place.Asset{sg.Proposed})
}

// checkDrawing checks a neighbourhood drawn as a suggestion, giving it a
// code from its name and the suggestion's id when it has none.
func checkDrawing(sg *place.Suggestion) error {
	a := sg.Area
	if a == nil {
		return place.Errorf(place.EINVALID, "an area suggestion carries the drawing as a GeoJSON Feature in \"feature\"")
	}
	if err := place.CheckDrawn("the drawing", a.Geometry); err != nil {
		return err
	}
	if a.Code == "" {
		short := place.Slugify(sg.ID)
		if len(short) > 8 {
			short = short[:8]
		}
		a.Code = strings.Trim(place.Slugify(a.Name)+"-"+short, "-")
		if len(a.Code) > 64 {
			a.Code = a.Code[len(a.Code)-64:]
		}
	}
	if sg.Place != "" && !place.ValidSlug(sg.Place) {
		return place.Errorf(place.EINVALID, "place %q is not a place slug", sg.Place)
	}
	sg.AssetID, sg.BaseVersion, sg.Base = "", 0, nil
	return CheckArea(*a)
}

// drawingRecord is how stores keep an area suggestion's drawing.
type drawingRecord struct {
	Area  AreaRecord `json:"area"`
	Place string     `json:"place,omitempty"`
}

// suggestionRecord is how stores keep what an asset suggestion proposes,
// with the asset it was based on.
type suggestionRecord struct {
	AssetRecord
	Base *AssetRecord `json:"base,omitempty"`
}

// SuggestionData checks a suggestion and returns it with the JSON record
// of what it proposes (the asset as a revision keeps it, with the asset it
// was based on; or the drawing), as every store keeps it.
func SuggestionData(sg place.Suggestion) (place.Suggestion, []byte, error) {
	if err := CheckSuggestion(&sg); err != nil {
		return sg, nil, err
	}
	if sg.Kind == place.AreaDrawing {
		data, err := json.Marshal(drawingRecord{Area: NewAreaRecord(*sg.Area, 0), Place: sg.Place})
		return sg, data, err
	}
	rec, err := NewAssetRecord(sg.Proposed)
	if err != nil {
		return sg, nil, err
	}
	out := suggestionRecord{AssetRecord: rec}
	if sg.Base != nil {
		base, err := NewAssetRecord(*sg.Base)
		if err != nil {
			return sg, nil, err
		}
		out.Base = &base
	}
	data, err := json.Marshal(out)
	return sg, data, err
}

// ReadSuggestionData fills sg (its Kind read already) from the JSON
// SuggestionData made.
func ReadSuggestionData(sg *place.Suggestion, data []byte) error {
	if sg.Kind == place.AreaDrawing {
		var rec drawingRecord
		if err := json.Unmarshal(data, &rec); err != nil {
			return fmt.Errorf("suggestion %s: %w", sg.ID, err)
		}
		var g geojson.Geometry
		if err := g.UnmarshalJSON(rec.Area.Geometry); err != nil {
			return fmt.Errorf("suggestion %s: geometry: %w", sg.ID, err)
		}
		mp, ok := g.Geometry().(orb.MultiPolygon)
		if !ok {
			return fmt.Errorf("suggestion %s: the drawing is a %s, not a MultiPolygon", sg.ID, g.Type)
		}
		sg.Area = &place.Area{Set: rec.Area.Set, Code: rec.Area.Code, Name: rec.Area.Name, Properties: rec.Area.Properties, Geometry: mp}
		sg.Place = rec.Place
		return nil
	}
	var rec suggestionRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return fmt.Errorf("suggestion %s: %w", sg.ID, err)
	}
	var err error
	if sg.Proposed, err = rec.AssetOf(); err != nil {
		return err
	}
	if rec.Base != nil {
		base, err := rec.Base.AssetOf()
		if err != nil {
			return fmt.Errorf("suggestion %s: base: %w", sg.ID, err)
		}
		sg.Base, sg.BaseVersion = &base, base.Version
	}
	return nil
}

// Decision works out what deciding a suggestion writes: the asset the
// change leaves (the moderator's edit, if any, checked like any asset)
// and the suggestion's new state. EINVALID for a decision that does not
// fit the suggestion's kind.
func Decision(sg place.Suggestion, d place.SuggestionDecision) (change place.Asset, status string, err error) {
	if len(d.Reason) > 1000 {
		return change, "", place.Errorf(place.EINVALID, "reason is longer than 1000 characters")
	}
	if !d.Accept {
		if d.Edited != nil || d.MergeInto != "" || d.ConfirmNew {
			return change, "", place.Errorf(place.EINVALID, "a rejection takes no feature, merge_into or confirm_new")
		}
		return sg.Proposed, place.Rejected, nil
	}
	if sg.Kind == place.AreaDrawing && (d.Edited != nil || d.MergeInto != "" || d.ConfirmNew || d.IfVersion != 0) {
		return change, "", place.Errorf(place.EINVALID, "a drawing is accepted as drawn: redraw the area once it is in its set")
	}
	if sg.Kind != place.NewAsset && (d.MergeInto != "" || d.ConfirmNew) {
		return change, "", place.Errorf(place.EINVALID, "merge_into and confirm_new are for a new place, not a %s", sg.Kind)
	}
	if d.MergeInto != "" && (d.Edited == nil || d.IfVersion < 1 || d.ConfirmNew) {
		return change, "", place.Errorf(place.EINVALID, "merge_into: name the merged asset and the version of %s it was merged onto, and not confirm_new", d.MergeInto)
	}
	if sg.Kind == place.NewAsset && d.MergeInto == "" && d.IfVersion != 0 {
		return change, "", place.Errorf(place.EINVALID, "a new place has no version to name, unless it is merged into another (merge_into)")
	}
	change = sg.Proposed
	if d.Edited != nil {
		change = *d.Edited
		change.ID = sg.Proposed.ID
		if d.MergeInto != "" {
			change.ID = d.MergeInto
		}
		if err := place.CheckAssets([]place.Asset{change}); err != nil {
			return change, "", err
		}
	}
	return change, place.Accepted, nil
}

// AcceptVersion is the version the asset of a correction or closure must
// still be at for a decision to be written: the one the moderator names,
// else the one the suggestion was based on. ECONFLICT when neither is
// known (a suggestion recorded before bases were kept).
func AcceptVersion(sg place.Suggestion, d place.SuggestionDecision) (int64, error) {
	v := d.IfVersion
	if v == 0 {
		v = sg.BaseVersion
	}
	if v == 0 {
		return 0, place.Errorf(place.ECONFLICT, "suggestion %s does not record the version of %s it was based on: compare it with the asset and accept naming the current version (If-Match)", sg.ID, sg.AssetID)
	}
	return v, nil
}

// StaleError says a correction or closure was based on an older version of
// its asset than the one it is at.
func StaleError(sg place.Suggestion, want, current int64) error {
	return place.Errorf(place.ECONFLICT, "asset %s changed since (version %d, now %d): compare the three versions and accept naming version %d (If-Match) with the merge, or reject",
		sg.AssetID, want, current, current)
}

// Duplicate is an existing asset that is likely the place a new one
// describes, how far apart they lie and how alike their names are.
type Duplicate struct {
	Asset     place.Asset
	DistanceM float64
	NameScore float64
}

// Duplicates lists the assets likely to be the place a is
// (place.LikelyDuplicate), nearest first.
func Duplicates(ctx context.Context, st interface {
	Assets(ctx context.Context, q AssetQuery) (AssetPage, error)
}, a place.Asset) ([]Duplicate, error) {
	if a.Geometry == nil {
		return nil, nil
	}
	pt := geo.PointOnSurface(a.Geometry)
	b := orbgeo.NewBoundAroundPoint(pt, place.DuplicateRadiusM*1.1)
	page, err := st.Assets(ctx, AssetQuery{BBox: &b, Category: a.Category, NoCount: true})
	if err != nil {
		return nil, fmt.Errorf("assets near %s: %w", a.Name, err)
	}
	var out []Duplicate
	for _, e := range page.Assets {
		d := orbgeo.Distance(pt, geo.PointOnSurface(e.Geometry))
		if place.LikelyDuplicate(a, e, d) {
			out = append(out, Duplicate{Asset: e, DistanceM: d, NameScore: place.NameScore(a.Name, e.Name)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DistanceM < out[j].DistanceM })
	return out, nil
}

// DuplicateError says a new place has likely duplicates.
func DuplicateError(a place.Asset, dups []Duplicate) error {
	names := make([]string, len(dups))
	for i, d := range dups {
		names[i] = fmt.Sprintf("%s %q (%.0f m)", d.Asset.ID, d.Asset.Name, d.DistanceM)
	}
	return place.Errorf(place.ECONFLICT, "%q may already be here: %s; merge it into one of them (merge_into) or accept it as new (confirm_new)", a.Name, strings.Join(names, ", "))
}

// CheckArea validates an area before a store writes it: its fields, and a
// geometry valid enough to place points in and overlay.
func CheckArea(a place.Area) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if !place.ValidSlug(a.Set) {
		return place.Errorf(place.EINVALID, "area %s: set %q is not a slug", a.Code, a.Set)
	}
	if _, err := geo.NewShape(a.Geometry); err != nil {
		return place.Errorf(place.EINVALID, "area %s: geometry: %v", a.Code, err)
	}
	return nil
}

// AreaRecord is an area as a revision keeps it.
type AreaRecord struct {
	Set        string          `json:"set"`
	Code       string          `json:"code"`
	Name       string          `json:"name"`
	Version    int64           `json:"version"`
	Properties map[string]any  `json:"properties,omitempty"`
	Geometry   json.RawMessage `json:"geometry"`
}

// NewAreaRecord makes an area's revision record.
func NewAreaRecord(a place.Area, version int64) AreaRecord {
	g, _ := geojson.NewGeometry(rfc7946.Orient(a.Geometry)).MarshalJSON()
	return AreaRecord{Set: a.Set, Code: a.Code, Name: a.Name, Version: version, Properties: a.Properties, Geometry: g}
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
// the asset closes that version. A drawing must be for a community
// boundary set (residents draw neighbourhoods, not wards) and the place
// it names must exist.
func PrepareSuggestion(ctx context.Context, st suggestionTargets, sg place.Suggestion) (place.Suggestion, []byte, error) {
	switch sg.Kind {
	case place.AreaDrawing:
		if sg.Area == nil {
			break // CheckSuggestion says what is missing
		}
		set, err := st.Set(ctx, sg.Area.Set)
		if err != nil {
			return sg, nil, err
		}
		if set.Kind != place.Community {
			return sg, nil, place.Errorf(place.EINVALID, "boundary set %s is %s: draw neighbourhoods for a community set", set.Slug, set.Kind)
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
	return SuggestionData(sg)
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

// DrawingArea is the area an accepted drawing adds: the drawing, marked as
// a resident's in its properties (who, by the suggestion, not by name).
func DrawingArea(sg place.Suggestion) place.Area {
	a := *sg.Area
	props := map[string]any{}
	for k, v := range a.Properties {
		props[k] = v
	}
	props["drawn_by"] = "a resident"
	props["suggestion"] = sg.ID
	a.Properties = props
	return a
}
