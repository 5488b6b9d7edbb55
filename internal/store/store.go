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
