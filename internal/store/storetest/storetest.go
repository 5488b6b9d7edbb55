// Package storetest is the conformance suite every store must pass: the
// same calls, the same answers, the same error codes.
package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// NewStore returns a fresh, empty store for one test.
type NewStore func(t *testing.T) *store.DB

// Square is a one-polygon MultiPolygon covering [x0,x0+d]×[y0,y0+d].
func Square(x0, y0, d float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x0 + d, y0}, {x0 + d, y0 + d}, {x0, y0 + d}, {x0, y0}}}}
}

// Grid returns a 2×2 grid of 0.125° squares near Sheffield, codes A1 A2 B1
// B2, on coordinates exact in binary so shared edges are exactly shared:
//
//	A2 B2
//	A1 B1   with its south-west corner at (-1.5, 53.25)
func Grid() []place.Area {
	var out []place.Area
	for i, col := range []string{"A", "B"} {
		for j, row := range []string{"1", "2"} {
			out = append(out, place.Area{Code: col + row, Name: "Area " + col + row,
				Geometry: Square(-1.5+0.125*float64(i), 53.25+0.125*float64(j), 0.125)})
		}
	}
	return out
}

func testSet(slug string) place.BoundarySet {
	return place.BoundarySet{Slug: slug, Title: "Test " + slug, Kind: place.Statistical, Licence: "OGL-UK-3.0", Attribution: "test",
		CodeField: "GRIDCD", NameField: "GRIDNM"}
}

func asset(id, name, category string, p orb.Point) place.Asset {
	return place.Asset{ID: id, Name: name, Category: category, Status: place.Open, Geometry: p, Source: "test"}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := place.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// Run runs the whole suite, each case on a fresh, empty store and under its
// own name, so -run picks cases (-run 'Conformance/Releases').
func Run(t *testing.T, newStore NewStore) {
	for _, c := range []struct {
		name string
		test func(t *testing.T, st *store.DB)
	}{
		{"DeletedAssetHistory", deletedAssetHistory},
		{"DisplayNamesAndGrants", displayNamesAndGrants},
		{"SetsAndAreas", setsAndAreas},
		{"AreaShapesForTiles", areaShapesForTiles},
		{"AreaShapesStreamed", areaShapesStreamed},
		{"ZoomBandsInStep", zoomBandsInStep},
		{"KeptShapes", keptShapes},
		{"AssetCells", assetCells},
		{"AssetCellsAfterWrites", assetCellsAfterWrites},
		{"Releases", releases},
		{"SetConflictWritesNothing", setConflictWritesNothing},
		{"InvalidSetWritesNothing", invalidSetWritesNothing},
		{"MembershipBothWays", membershipBothWays},
		{"SharedEdgesPlaceOnce", sharedEdgesPlaceOnce},
		{"PlacedAhead", placedAhead},
		{"PlacedAheadSameAsInside", placedAheadSameAsInside},
		{"Assets", assets},
		{"AssetNameSearch", assetNameSearch},
		{"AssetConflictWritesNothing", assetConflictWritesNothing},
		{"DataVersionMovesOnWrites", dataVersionMovesOnWrites},
		{"TileVersionsPerLayer", tileVersionsPerLayer},
		{"ConcurrentWriters", concurrentWriters},
		{"UpdateAsset", updateAsset},
		{"NoLostUpdates", noLostUpdates},
		{"Indicators", indicators},
		{"Places", places},
		{"DeleteAsset", deleteAsset},
		{"Accounts", accounts},
		{"TokensRevoked", tokensRevoked},
		{"Revisions", revisions},
		{"Suggestions", suggestions},
		{"DrawingSuggestions", drawingSuggestions},
		{"ConflationProposals", conflationProposals},
		{"ConflationRuns", conflationRuns},
		{"Freshness", freshness},
		{"UpdateArea", updateArea},
		{"AddAndDeleteArea", addAndDeleteArea},
		{"SuggestionPages", suggestionPages},
		{"StaleSuggestions", staleSuggestions},
		{"DuplicateSuggestions", duplicateSuggestions},
		{"SuggestionCaps", suggestionCaps},
		{"SuggestionDetailsCapped", suggestionDetailsCapped},
		{"SuccessorKeepDeduplicated", successorKeepDeduplicated},
		{"BasemapReplaced", basemapReplaced},
		{"BasemapRefusalKeepsOld", basemapRefusalKeepsOld},
		{"PostcodesReplaced", postcodesReplaced},
		{"NetworksReplaced", networksReplaced},
		{"IndicatorsReplaced", indicatorsReplaced},
		{"SearchRanking", searchRanking},
		{"SearchFollowsWrites", searchFollowsWrites},
		{"SetProposals", setProposals},
		{"AccessRuns", accessRuns},
		{"Ping", ping},
	} {
		t.Run(c.name, func(t *testing.T) { c.test(t, newStore(t)) })
	}
}

// setsAndAreas: a set import reports its areas; the set is listed with its
// fields and extent; its areas read in code order, by box and by page, and as
// shapes; unknown sets and codes are ENOTFOUND.
func setsAndAreas(t *testing.T, st *store.DB) {
	ctx := context.Background()
	rep, err := st.ImportSet(ctx, testSet("grid"), Grid())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Areas != 4 {
		t.Errorf("report areas = %d, want 4", rep.Areas)
	}
	sets, err := st.Sets(ctx)
	if err != nil || len(sets) != 1 {
		t.Fatalf("Sets = %v, %v; want one", sets, err)
	}
	s := sets[0]
	if s.Slug != "grid" || s.AreaCount != 4 || s.Licence != "OGL-UK-3.0" || s.Kind != place.Statistical || s.CodeField != "GRIDCD" || s.NameField != "GRIDNM" {
		t.Errorf("set = %+v", s)
	}
	wantBound := orb.Bound{Min: orb.Point{-1.5, 53.25}, Max: orb.Point{-1.25, 53.5}}
	if !boundsNear(s.BBox, wantBound) {
		t.Errorf("bbox = %v, want %v", s.BBox, wantBound)
	}
	areas, err := st.Areas(ctx, "grid", store.AreaQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(areas); fmt.Sprint(got) != "[A1 A2 B1 B2]" {
		t.Errorf("areas ordered %v, want [A1 A2 B1 B2]", got)
	}
	// bbox touching only the west column
	b := orb.Bound{Min: orb.Point{-1.49, 53.26}, Max: orb.Point{-1.45, 53.45}}
	areas, err = st.Areas(ctx, "grid", store.AreaQuery{BBox: &b})
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(areas); fmt.Sprint(got) != "[A1 A2]" {
		t.Errorf("bbox areas = %v, want [A1 A2]", got)
	}
	shapes, err := st.AreaShapes(ctx, "grid", store.ShapeQuery{BBox: b})
	if err != nil {
		t.Fatal(err)
	}
	got := codes(shapes)
	sort.Strings(got)
	if fmt.Sprint(got) != "[A1 A2]" || shapes[0].ID == 0 || len(shapes[0].Geometry) != 1 || shapes[0].Set != "grid" {
		t.Errorf("shapes = %v", got)
	}
	if _, err := st.AreaShapes(ctx, "nope", store.ShapeQuery{BBox: b}); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("shapes of unknown set: %v", err)
	}
	areas, err = st.Areas(ctx, "grid", store.AreaQuery{Limit: 2, Offset: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(areas); fmt.Sprint(got) != "[A2 B1]" {
		t.Errorf("page = %v, want [A2 B1]", got)
	}
	a, err := st.Area(ctx, "grid", "B2")
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "Area B2" || a.Set != "grid" || len(a.Geometry) != 1 || a.ID == 0 {
		t.Errorf("area = %+v", a)
	}
	_, err = st.Area(ctx, "grid", "Z9")
	wantCode(t, err, place.ENOTFOUND)
	_, err = st.Area(ctx, "nope", "A1")
	wantCode(t, err, place.ENOTFOUND)
	_, err = st.Set(ctx, "nope")
	wantCode(t, err, place.ENOTFOUND)
	_, err = st.Areas(ctx, "nope", store.AreaQuery{})
	wantCode(t, err, place.ENOTFOUND)
}

// areaShapesForTiles: shapes for tiles leave out areas narrower than MinSpan
// and keep the largest under Limit.
func areaShapesForTiles(t *testing.T, st *store.DB) {
	ctx := context.Background()
	// Squares of 0.5, 0.1, 0.02 and 0.004 degrees side by side.
	var areas []place.Area
	for i, side := range []float64{0.5, 0.1, 0.02, 0.004} {
		areas = append(areas, place.Area{Code: fmt.Sprintf("S%d", i), Name: "Square", Geometry: Square(-2+float64(i), 53, side)})
	}
	if _, err := st.ImportSet(ctx, testSet("sizes"), areas); err != nil {
		t.Fatal(err)
	}
	all := orb.Bound{Min: orb.Point{-3, 52}, Max: orb.Point{3, 54}}
	got := func(q store.ShapeQuery) []string {
		shapes, err := st.AreaShapes(ctx, "sizes", q)
		if err != nil {
			t.Fatal(err)
		}
		c := codes(shapes)
		sort.Strings(c)
		return c
	}
	if c := got(store.ShapeQuery{BBox: all, MinSpan: 0.01}); fmt.Sprint(c) != "[S0 S1 S2]" {
		t.Errorf("MinSpan 0.01: %v, want the three squares of 0.02° and more", c)
	}
	if c := got(store.ShapeQuery{BBox: all, Limit: 2}); fmt.Sprint(c) != "[S0 S1]" {
		t.Errorf("Limit 2: %v, want the two largest", c)
	}
	// One short of all, and all: read sorted, and unsorted.
	if c := got(store.ShapeQuery{BBox: all, Limit: 3}); fmt.Sprint(c) != "[S0 S1 S2]" {
		t.Errorf("Limit 3: %v, want the three largest", c)
	}
	if c := got(store.ShapeQuery{BBox: all, Limit: 4}); len(c) != 4 {
		t.Errorf("Limit 4: %v, want all four", c)
	}
	if c := got(store.ShapeQuery{BBox: all}); len(c) != 4 {
		t.Errorf("no MinSpan: %v, want all four", c)
	}
}

// releases: releases of a series, one of them current; a refused
// successor link writes nothing, not even the set; successors read both ways;
// a person's decision confirms, rejects and corrects links; the current
// release can be switched; tile feature ids lead back to codes.
func releases(t *testing.T, st *store.DB) {
	releasesFirstIsCurrent(t, st)
	w2, second := secondRelease()
	releasesRefusedLinksWriteNothing(t, st, w2, second)
	releasesSecondBecomesCurrent(t, st, w2, second)
	releasesSuccessorsBothWays(t, st)
	releasesPersonDecides(t, st)
	releasesSwitchCurrent(t, st)
}

// releasesFirstIsCurrent: w1, the first release of wards, is its current one.
func releasesFirstIsCurrent(t *testing.T, st *store.DB) {
	ctx := context.Background()
	w1 := testSet("w1")
	w1.ReleaseDate = "2013"
	if _, err := st.ImportRelease(ctx, w1, Grid(), place.Release{Series: "wards", SeriesTitle: "Wards"}); err != nil {
		t.Fatal(err)
	}
	if ss, err := st.Set(ctx, "w1"); err != nil || ss.Series != "wards" || !ss.Current {
		t.Fatalf("w1 = %+v, %v; want the current release of wards (a series' first release is current)", ss, err)
	}
}

// secondRelease is w2, the second release of wards: A1 kept, the rest under
// new codes.
func secondRelease() (place.BoundarySet, []place.Area) {
	w2 := testSet("w2")
	w2.ReleaseDate = "2019"
	second := Grid()
	for i := range second {
		if second[i].Code != "A1" {
			second[i].Code = "N" + second[i].Code
		}
	}
	return w2, second
}

// w1w2Link is a computed link from w1's area old to w2's area new.
func w1w2Link(old, new string, share float64) place.Successor {
	return place.Successor{OldSet: "w1", OldCode: old, NewSet: "w2", NewCode: new, ShareOfOld: share, ShareOfNew: share, IoU: share, Status: place.LinkComputed}
}

// releasesRefusedLinksWriteNothing: bad links write nothing, not even the
// set w2 with areas second.
func releasesRefusedLinksWriteNothing(t *testing.T, st *store.DB, w2 place.BoundarySet, second []place.Area) {
	ctx := context.Background()
	for _, bad := range []struct {
		link place.Successor
		code string
	}{
		{w1w2Link("Z9", "A1", 1), place.ENOTFOUND},
		{w1w2Link("A1", "Z9", 1), place.EINVALID},
		{place.Successor{OldSet: "other", OldCode: "A1", NewSet: "w2", NewCode: "A1", Status: place.LinkComputed}, place.EINVALID},
		{place.Successor{OldSet: "w1", OldCode: "A1", NewSet: "w2", NewCode: "A1", Status: "maybe"}, place.EINVALID},
	} {
		_, err := st.ImportRelease(ctx, w2, second, place.Release{Series: "wards", Current: true, Successors: []place.Successor{bad.link}})
		wantCode(t, err, bad.code)
		if _, err := st.Set(ctx, "w2"); place.ErrorCode(err) != place.ENOTFOUND {
			t.Fatalf("after a refused release, w2: %v", err)
		}
	}
}

// releasesSecondBecomesCurrent: w2, imported as current with its links,
// takes over from w1; a set in no series is current on its own; a set
// already in a series cannot join another, nor can a set that does not exist.
func releasesSecondBecomesCurrent(t *testing.T, st *store.DB, w2 place.BoundarySet, second []place.Area) {
	ctx := context.Background()
	_, err := st.ImportRelease(ctx, w2, second, place.Release{Series: "wards", Current: true, Successors: []place.Successor{
		w1w2Link("A1", "A1", 1), w1w2Link("A2", "NA2", 0.7), w1w2Link("A2", "NB2", 0.3), w1w2Link("B1", "NB1", 1), w1w2Link("B2", "NB2", 1),
	}})
	if err != nil {
		t.Fatal(err)
	}
	series, err := st.Series(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(series) != 1 || series[0].Slug != "wards" || series[0].Title != "Wards" || series[0].Current != "w2" || fmt.Sprint(series[0].Releases) != "[w1 w2]" {
		t.Fatalf("series = %+v, want wards (Wards) with releases [w1 w2], w2 current", series)
	}
	if ss, _ := st.Set(ctx, "w1"); ss.Current {
		t.Error("w1 still current after w2 was imported as current")
	}
	if _, err := st.ImportSet(ctx, testSet("plain"), Grid()); err != nil {
		t.Fatal(err)
	}
	if ss, _ := st.Set(ctx, "plain"); ss.Series != "" || !ss.Current {
		t.Errorf("a set in no series: %+v, want current and no series", ss)
	}
	wantCode(t, st.AddRelease(ctx, "w1", place.Release{Series: "other"}), place.ECONFLICT)
	wantCode(t, st.AddRelease(ctx, "nope", place.Release{Series: "other"}), place.ENOTFOUND)
}

// releasesSuccessorsBothWays: successors read from the old area and from
// the new.
func releasesSuccessorsBothWays(t *testing.T, st *store.DB) {
	ctx := context.Background()
	got, err := st.Successors(ctx, store.SuccessorQuery{OldSet: "w1", OldCode: "A2"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].NewCode != "NA2" || got[1].NewCode != "NB2" || got[0].Status != place.LinkComputed {
		t.Fatalf("successors of A2 = %+v, want NA2 then NB2, computed", got)
	}
	if preds, _ := st.Successors(ctx, store.SuccessorQuery{NewSet: "w2", NewCode: "NB2"}); len(preds) != 2 {
		t.Errorf("predecessors of NB2 = %+v, want A2 and B2", preds)
	}
}

// releasesPersonDecides: a person keeps NA2, drops NB2 and adds NB1; a
// decision on an unknown area or a set in no series is refused.
func releasesPersonDecides(t *testing.T, st *store.DB) {
	ctx := context.Background()
	decided, err := st.DecideSuccessors(ctx, "w1", "A2", "w2", []place.Successor{{NewCode: "NA2"}, {NewCode: "NB1", ShareOfOld: 0.01}}, "u-mod", "checked on the ground")
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]place.SuccessorStatus{}
	for _, l := range decided {
		status[l.NewCode] = l.Status
		if l.DecidedBy != "u-mod" || l.DecidedAt == nil || l.Note != "checked on the ground" {
			t.Errorf("decided link %+v: want decided_by, decided_at and the note", l)
		}
	}
	if status["NA2"] != place.LinkConfirmed || status["NB2"] != place.LinkRejected || status["NB1"] != place.LinkCorrected {
		t.Errorf("after the decision: %v, want NA2 confirmed, NB2 rejected, NB1 corrected", status)
	}
	_, err = st.DecideSuccessors(ctx, "w1", "A2", "w2", []place.Successor{{NewCode: "Z9"}}, "u-mod", "")
	wantCode(t, err, place.EINVALID)
	_, err = st.DecideSuccessors(ctx, "w1", "Z9", "w2", nil, "u-mod", "")
	wantCode(t, err, place.ENOTFOUND)
	_, err = st.DecideSuccessors(ctx, "w1", "A2", "plain", nil, "u-mod", "")
	wantCode(t, err, place.EINVALID)
}

// releasesSwitchCurrent: the current release can be switched back to w1,
// not to a set outside the series; tile feature ids lead back to codes.
func releasesSwitchCurrent(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if err := st.SetCurrentRelease(ctx, "wards", "w1"); err != nil {
		t.Fatal(err)
	}
	if ss, _ := st.Set(ctx, "w1"); !ss.Current {
		t.Error("w1 not current after SetCurrentRelease")
	}
	wantCode(t, st.SetCurrentRelease(ctx, "nope", "w1"), place.ENOTFOUND)
	// Tile feature ids lead back to codes.
	a1, err := st.Area(ctx, "w1", "A1")
	if err != nil {
		t.Fatal(err)
	}
	if code, err := st.AreaCode(ctx, "w1", a1.ID); err != nil || code != "A1" {
		t.Errorf("AreaCode(w1, %d) = %q, %v; want A1", a1.ID, code, err)
	}
	_, err = st.AreaCode(ctx, "w2", a1.ID)
	wantCode(t, err, place.ENOTFOUND)
	wantCode(t, st.SetCurrentRelease(ctx, "wards", "plain"), place.EINVALID)
}

// setConflictWritesNothing: importing a set whose slug is taken is ECONFLICT
// and changes neither the set nor the data version.
func setConflictWritesNothing(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	v0, _ := st.DataVersion(ctx)
	_, err := st.ImportSet(ctx, testSet("grid"), Grid()[:1])
	wantCode(t, err, place.ECONFLICT)
	s, err := st.Set(ctx, "grid")
	if err != nil || s.AreaCount != 4 {
		t.Errorf("after conflict: %+v, %v", s, err)
	}
	if v1, _ := st.DataVersion(ctx); v1 != v0 {
		t.Errorf("data version moved on a failed write: %d → %d", v0, v1)
	}
}

// invalidSetWritesNothing: a set with a bad ring, a repeated code or a bad
// slug is EINVALID and writes no set.
func invalidSetWritesNothing(t *testing.T, st *store.DB) {
	ctx := context.Background()
	bad := Grid()
	bad[2].Geometry = orb.MultiPolygon{{{{-1.5, 53.3}, {-1.375, 53.3}, {-1.5, 53.3}}}}
	_, err := st.ImportSet(ctx, testSet("grid"), bad)
	wantCode(t, err, place.EINVALID)
	dup := Grid()
	dup[3].Code = "A1"
	_, err = st.ImportSet(ctx, testSet("grid"), dup)
	wantCode(t, err, place.EINVALID)
	_, err = st.ImportSet(ctx, place.BoundarySet{Slug: "Bad Slug", Title: "x", Kind: place.Community}, Grid())
	wantCode(t, err, place.EINVALID)
	sets, err := st.Sets(ctx)
	if err != nil || len(sets) != 0 {
		t.Errorf("sets after invalid imports = %v, %v; want none", sets, err)
	}
}

// membershipBothWays: an asset is placed in the areas that hold it whichever
// comes first, the asset or the set.
func membershipBothWays(t *testing.T, st *store.DB) {
	ctx := context.Background()
	// asset first, set second: the set import places it
	if _, err := st.AddAssets(ctx, []place.Asset{asset("a1", "Library One", "library", orb.Point{-1.45, 53.3})}); err != nil {
		t.Fatal(err)
	}
	rep, err := st.ImportSet(ctx, testSet("grid"), Grid())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Memberships != 1 {
		t.Errorf("set import placed %d assets, want 1", rep.Memberships)
	}
	// set first, asset second: the asset write places it
	if _, err := st.ImportSet(ctx, testSet("other"), []place.Area{{Code: "X", Name: "X", Geometry: Square(-1.6, 53.2, 0.5)}}); err != nil {
		t.Fatal(err)
	}
	rep, err = st.AddAssets(ctx, []place.Asset{asset("a2", "Hall Two", "community_hall", orb.Point{-1.3, 53.45})})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Memberships != 2 {
		t.Errorf("asset import made %d memberships, want 2", rep.Memberships)
	}
	for id, want := range map[string]string{"a1": "grid:A1 other:X", "a2": "grid:B2 other:X"} {
		ms, err := st.Memberships(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := membershipString(ms); got != want {
			t.Errorf("memberships of %s = %q, want %q", id, got, want)
		}
	}
	_, err = st.Memberships(ctx, "nope")
	wantCode(t, err, place.ENOTFOUND)
}

// sharedEdgesPlaceOnce: an asset on an edge or a corner that areas of one
// set share is placed in one of them only.
func sharedEdgesPlaceOnce(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	// on the A1|B1 edge, on the A1|A2 edge, and on the corner all four share
	pts := map[string]orb.Point{"edge-ab": {-1.375, 53.3}, "edge-12": {-1.45, 53.375}, "corner": {-1.375, 53.375}, "outside": {0, 0}}
	var as []place.Asset
	for id, p := range pts {
		as = append(as, asset(id, id, "park", p))
	}
	if _, err := st.AddAssets(ctx, as); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"edge-ab": "grid:A1", "edge-12": "grid:A1", "corner": "grid:A1", "outside": ""} {
		ms, err := st.Memberships(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := membershipString(ms); got != want {
			t.Errorf("%s placed in %q, want %q", id, got, want)
		}
	}
}

// assets: assets queried by category, name, area, box and page, with how
// many match; one asset read whole; the licences and attributions of all.
func assets(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	site := orb.Polygon{{{-1.3, 53.3}, {-1.28, 53.3}, {-1.28, 53.32}, {-1.3, 53.32}, {-1.3, 53.3}}}
	park := place.Asset{ID: "p1", Name: "Meersbrook Park", Category: "park", Status: place.Open, Geometry: site,
		Tags: map[string]string{"leisure": "park"}, Licence: "ODbL-1.0", Attribution: "© OpenStreetMap contributors"}
	in := []place.Asset{
		asset("l1", "Broomhill Library", "library", orb.Point{-1.49, 53.26}),
		asset("l2", "Burngreave Library", "library", orb.Point{-1.3, 53.26}),
		asset("c1", "Heeley Community Centre", "community_centre", orb.Point{-1.45, 53.45}),
		park,
	}
	in[0].Status = place.AtRisk
	in[0].OpeningHours = "Mo-Fr 09:00-17:00"
	if _, err := st.AddAssets(ctx, in); err != nil {
		t.Fatal(err)
	}
	page, err := st.Assets(ctx, store.AssetQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(page.Assets); fmt.Sprint(got) != "[Broomhill Library Burngreave Library Heeley Community Centre Meersbrook Park]" || page.Matched != 4 {
		t.Errorf("all assets = %v (matched %d)", got, page.Matched)
	}
	for _, tc := range []struct {
		name string
		q    store.AssetQuery
		want string
		n    int
	}{
		{"category", store.AssetQuery{Category: "library"}, "[Broomhill Library Burngreave Library]", 2},
		{"name search is case-insensitive", store.AssetQuery{Q: "LIBRARY"}, "[Broomhill Library Burngreave Library]", 2},
		{"name search substring", store.AssetQuery{Q: "heeley"}, "[Heeley Community Centre]", 1},
		{"like wildcards are literal", store.AssetQuery{Q: "%"}, "[]", 0},
		{"in area", store.AssetQuery{InSet: "grid", InCode: "B1"}, "[Burngreave Library Meersbrook Park]", 2},
		{"bbox", store.AssetQuery{BBox: &orb.Bound{Min: orb.Point{-1.5, 53.25}, Max: orb.Point{-1.45, 53.27}}}, "[Broomhill Library]", 1},
		{"bbox meets polygon", store.AssetQuery{BBox: &orb.Bound{Min: orb.Point{-1.285, 53.315}, Max: orb.Point{-1.26, 53.34}}}, "[Meersbrook Park]", 1},
		{"page", store.AssetQuery{Limit: 2, Offset: 1}, "[Burngreave Library Heeley Community Centre]", 4},
		{"combined", store.AssetQuery{Category: "library", InSet: "grid", InCode: "A1"}, "[Broomhill Library]", 1},
	} {
		page, err := st.Assets(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := fmt.Sprint(names(page.Assets)); got != tc.want || page.Matched != tc.n {
			t.Errorf("%s: got %s (matched %d), want %s (matched %d)", tc.name, got, page.Matched, tc.want, tc.n)
		}
	}
	a, err := st.Asset(ctx, "l1")
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != place.AtRisk || a.OpeningHours != "Mo-Fr 09:00-17:00" || a.FID == 0 || a.UpdatedAt.IsZero() {
		t.Errorf("asset = %+v", a)
	}
	p, err := st.Asset(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Geometry.(orb.Polygon); !ok || p.Tags["leisure"] != "park" {
		t.Errorf("site asset = %+v", p)
	}
	_, err = st.Asset(ctx, "nope")
	wantCode(t, err, place.ENOTFOUND)
	stats, err := st.AssetStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Count != 4 || fmt.Sprint(stats.Attributions) != "[© OpenStreetMap contributors]" || fmt.Sprint(stats.Licences) != "[ODbL-1.0]" {
		t.Errorf("stats = %+v", stats)
	}
}

// assetConflictWritesNothing: a batch with a taken id (ECONFLICT) or an
// unknown category (EINVALID) writes none of its assets.
func assetConflictWritesNothing(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.AddAssets(ctx, []place.Asset{asset("a1", "One", "library", orb.Point{-1.45, 53.35})}); err != nil {
		t.Fatal(err)
	}
	_, err := st.AddAssets(ctx, []place.Asset{
		asset("a2", "Two", "library", orb.Point{-1.45, 53.35}),
		asset("a1", "One again", "library", orb.Point{-1.45, 53.35}),
	})
	wantCode(t, err, place.ECONFLICT)
	_, err = st.AddAssets(ctx, []place.Asset{
		asset("a3", "Three", "library", orb.Point{-1.45, 53.35}),
		asset("a4", "Four", "not_a_category", orb.Point{-1.45, 53.35}),
	})
	wantCode(t, err, place.EINVALID)
	page, err := st.Assets(ctx, store.AssetQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Matched != 1 {
		t.Errorf("after failed imports %d assets, want 1: %v", page.Matched, names(page.Assets))
	}
}

// dataVersionMovesOnWrites: the data version goes up with every write.
func dataVersionMovesOnWrites(t *testing.T, st *store.DB) {
	ctx := context.Background()
	v0, err := st.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	v1, _ := st.DataVersion(ctx)
	if _, err := st.AddAssets(ctx, []place.Asset{asset("a1", "One", "library", orb.Point{-1.45, 53.35})}); err != nil {
		t.Fatal(err)
	}
	v2, _ := st.DataVersion(ctx)
	if !(v0 < v1 && v1 < v2) {
		t.Errorf("data versions %d, %d, %d: want increasing", v0, v1, v2)
	}
}

// concurrentWriters: writers adding assets at once all succeed, and every
// asset is placed.
func concurrentWriters(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				if _, err := st.AddAssets(ctx, []place.Asset{asset(id, id, "library", orb.Point{-1.45 + 0.001*float64(i), 53.35})}); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent write: %v", err)
	}
	page, err := st.Assets(ctx, store.AssetQuery{InSet: "grid", InCode: "A1"})
	if err != nil {
		t.Fatal(err)
	}
	if page.Matched != writers*each {
		t.Errorf("%d assets placed in A1, want %d", page.Matched, writers*each)
	}
}

// updateAsset: an update moves the version on and the memberships with the
// asset; a writer holding an older version gets ECONFLICT naming the current
// one; an unknown id is ENOTFOUND, an unknown category EINVALID.
func updateAsset(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAssets(ctx, []place.Asset{asset("a1", "Old Name", "library", orb.Point{-1.45, 53.3})}); err != nil {
		t.Fatal(err)
	}
	a, err := st.Asset(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if a.Version != 1 {
		t.Fatalf("new asset version = %d, want 1", a.Version)
	}
	a.Name = "New Name"
	a.Status = place.AtRisk
	a.Geometry = orb.Point{-1.3, 53.45} // moves from A1 to B2
	up, err := st.UpdateAsset(ctx, a, 1)
	if err != nil {
		t.Fatal(err)
	}
	if up.Version != 2 || up.Name != "New Name" || up.Status != place.AtRisk {
		t.Errorf("updated = %+v", up)
	}
	ms, err := st.Memberships(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if got := membershipString(ms); got != "grid:B2" {
		t.Errorf("after the move memberships = %q, want grid:B2", got)
	}
	// A writer still holding version 1 loses, and is told the current version.
	a.Name = "Stale"
	_, err = st.UpdateAsset(ctx, a, 1)
	wantCode(t, err, place.ECONFLICT)
	if !strings.Contains(err.Error(), "version 2") {
		t.Errorf("conflict message %q does not name the current version", err)
	}
	if got, _ := st.Asset(ctx, "a1"); got.Name != "New Name" {
		t.Errorf("stale update wrote: %q", got.Name)
	}
	a.ID = "nope"
	_, err = st.UpdateAsset(ctx, a, 1)
	wantCode(t, err, place.ENOTFOUND)
	a.ID, a.Category = "a1", "bookshop"
	_, err = st.UpdateAsset(ctx, a, 2)
	wantCode(t, err, place.EINVALID)
}

// noLostUpdates: of writers racing from one version, exactly one wins and
// the others get ECONFLICT.
func noLostUpdates(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.AddAssets(ctx, []place.Asset{asset("a1", "Hall", "community_hall", orb.Point{-1.45, 53.3})}); err != nil {
		t.Fatal(err)
	}
	// Two writers read version 1 and both try to write: exactly one wins.
	const writers = 6
	var wg sync.WaitGroup
	results := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			a := asset("a1", fmt.Sprintf("Hall by writer %d", w), "community_hall", orb.Point{-1.45, 53.3})
			_, err := st.UpdateAsset(ctx, a, 1)
			results <- err
		}(w)
	}
	wg.Wait()
	close(results)
	won, conflicts := 0, 0
	for err := range results {
		switch place.ErrorCode(err) {
		case "":
			won++
		case place.ECONFLICT:
			conflicts++
		default:
			t.Errorf("writer: %v", err)
		}
	}
	if won != 1 || conflicts != writers-1 {
		t.Errorf("%d writers won and %d got conflicts; want 1 and %d", won, conflicts, writers-1)
	}
	if a, _ := st.Asset(ctx, "a1"); a.Version != 2 {
		t.Errorf("version after the race = %d, want 2", a.Version)
	}
}

// indicators: a set's indicators and their values; a taken name is
// ECONFLICT, an unknown code EINVALID, an unknown set ENOTFOUND, and a refused
// import writes nothing; assets counted per area and category.
func indicators(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	inds := []place.Indicator{
		{Name: "population", Title: "Usual residents", Kind: "count", Source: "ONS", Licence: "OGL-UK-3.0"},
		{Name: "imd_score", Title: "IMD score", Kind: "rate"},
	}
	vals := map[string]map[string]float64{"population": {"A1": 1500, "B2": 1200.5}, "imd_score": {"A1": 31.2}}
	if err := st.ImportIndicators(ctx, "grid", inds, vals); err != nil {
		t.Fatal(err)
	}
	got, err := st.Indicators(ctx, "grid")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "imd_score" || got[1].Kind != "count" || got[1].Licence != "OGL-UK-3.0" {
		t.Errorf("indicators = %+v", got)
	}
	v, err := st.IndicatorValues(ctx, "grid", "population")
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != 2 || v["B2"] != 1200.5 {
		t.Errorf("values = %v", v)
	}
	_, err = st.IndicatorValues(ctx, "grid", "nope")
	wantCode(t, err, place.ENOTFOUND)
	err = st.ImportIndicators(ctx, "grid", inds[:1], map[string]map[string]float64{"population": {"A1": 1}})
	wantCode(t, err, place.ECONFLICT)
	err = st.ImportIndicators(ctx, "grid", []place.Indicator{{Name: "other", Title: "Other", Kind: "count"}},
		map[string]map[string]float64{"other": {"A1": 1, "Z9": 2}})
	wantCode(t, err, place.EINVALID)
	if got, _ := st.Indicators(ctx, "grid"); len(got) != 2 {
		t.Errorf("a refused import left %d indicators", len(got))
	}
	err = st.ImportIndicators(ctx, "nope", inds, vals)
	wantCode(t, err, place.ENOTFOUND)

	if _, err := st.AddAssets(ctx, []place.Asset{
		asset("l1", "L1", "library", orb.Point{-1.45, 53.3}),
		asset("l2", "L2", "library", orb.Point{-1.44, 53.3}),
		asset("h1", "H1", "community_hall", orb.Point{-1.3, 53.45}),
	}); err != nil {
		t.Fatal(err)
	}
	counts, err := st.AssetCounts(ctx, "grid")
	if err != nil {
		t.Fatal(err)
	}
	if counts["A1"]["library"] != 2 || counts["B2"]["community_hall"] != 1 || len(counts) != 2 {
		t.Errorf("asset counts = %v", counts)
	}
	names, err := st.AreaNames(ctx, "grid")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != len(Grid()) || names["A1"] != Grid()[0].Name || names["B2"] == "" {
		t.Errorf("area names = %v, want the %d areas of the grid by code", names, len(Grid()))
	}
	_, err = st.AreaNames(ctx, "nope")
	wantCode(t, err, place.ENOTFOUND)
}

// places: a place is saved with its names and links, a save replaces the
// links, and a link to an unknown area is EINVALID and changes nothing.
func places(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	p := place.Place{Slug: "heeley", Name: "Heeley", AltNames: []string{"Heeley Bottom"},
		Links: []place.PlaceLink{{Set: "grid", Code: "A1", Confirmed: true}, {Set: "grid", Code: "A2", Note: "name match"}}}
	if err := st.SavePlace(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := st.Place(ctx, "heeley")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Heeley" || len(got.AltNames) != 1 || len(got.Links) != 2 || !got.Links[0].Confirmed || got.Links[1].Note != "name match" {
		t.Errorf("place = %+v", got)
	}
	p.Links = p.Links[:1]
	if err := st.SavePlace(ctx, p); err != nil {
		t.Fatal(err)
	}
	all, err := st.Places(ctx)
	if err != nil || len(all) != 1 || len(all[0].Links) != 1 {
		t.Errorf("places = %+v, %v", all, err)
	}
	p.Links = append(p.Links, place.PlaceLink{Set: "grid", Code: "Z9"})
	wantCode(t, st.SavePlace(ctx, p), place.EINVALID)
	if got, _ := st.Place(ctx, "heeley"); len(got.Links) != 1 {
		t.Errorf("a refused save changed the links: %+v", got.Links)
	}
	_, err = st.Place(ctx, "nope")
	wantCode(t, err, place.ENOTFOUND)
}

// deleteAsset: a deletion checks the version and takes the asset's
// memberships with it.
func deleteAsset(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAssets(ctx, []place.Asset{asset("a1", "Hall", "community_hall", orb.Point{-1.45, 53.3})}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, st.DeleteAsset(ctx, "a1", 7), place.ECONFLICT)
	wantCode(t, st.DeleteAsset(ctx, "nope", 1), place.ENOTFOUND)
	if err := st.DeleteAsset(store.WithAuthor(ctx, "ed@example.org", "closed for good"), "a1", 1); err != nil {
		t.Fatal(err)
	}
	_, err := st.Asset(ctx, "a1")
	wantCode(t, err, place.ENOTFOUND)
	if page, _ := st.Assets(ctx, store.AssetQuery{InSet: "grid", InCode: "A1"}); page.Matched != 0 {
		t.Errorf("memberships outlive the asset: %d", page.Matched)
	}
}

// accounts: accounts (one per address, a valid address), sessions (an
// expired one is not found) and tokens.
func accounts(t *testing.T, st *store.DB) {
	ctx := context.Background()
	created := time.Now().UTC().Truncate(time.Millisecond)
	u := auth.User{ID: "u1", Email: "mod@example.org", Role: auth.Moderator, PasswordHash: "$argon2id$x", CreatedAt: created,
		Scopes: []string{"community-neighbourhoods:heeley", "wards-2013"}}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	u2 := u
	u2.ID = "u2"
	wantCode(t, st.CreateUser(ctx, u2), place.ECONFLICT)
	bad := u
	bad.ID, bad.Email = "u3", "not an address"
	wantCode(t, st.CreateUser(ctx, bad), place.EINVALID)
	got, err := st.UserByEmail(ctx, "mod@example.org")
	if err != nil || got.ID != "u1" || got.Role != auth.Moderator || got.PasswordHash != "$argon2id$x" || !got.CreatedAt.Equal(created) ||
		fmt.Sprint(got.Scopes) != "[community-neighbourhoods:heeley wards-2013]" {
		t.Errorf("user = %+v, %v", got, err)
	}
	if _, err := st.User(ctx, "u1"); err != nil {
		t.Error(err)
	}
	_, err = st.User(ctx, "nope")
	wantCode(t, err, place.ENOTFOUND)

	live := auth.Session{Hash: "h-live", UserID: "u1", CSRF: "c", CreatedAt: created, ExpiresAt: created.Add(time.Hour)}
	old := auth.Session{Hash: "h-old", UserID: "u1", CSRF: "c", CreatedAt: created.Add(-2 * time.Hour), ExpiresAt: created.Add(-time.Hour)}
	for _, s := range []auth.Session{live, old} {
		if err := st.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if s, err := st.Session(ctx, "h-live"); err != nil || s.UserID != "u1" || s.CSRF != "c" {
		t.Errorf("session = %+v, %v", s, err)
	}
	_, err = st.Session(ctx, "h-old")
	wantCode(t, err, place.ENOTFOUND)
	if err := st.DeleteSession(ctx, "h-live"); err != nil {
		t.Fatal(err)
	}
	_, err = st.Session(ctx, "h-live")
	wantCode(t, err, place.ENOTFOUND)

	if err := st.CreateToken(ctx, auth.Token{Hash: "t1", UserID: "u1", Name: "import script", CreatedAt: created}); err != nil {
		t.Fatal(err)
	}
	if tk, err := st.Token(ctx, "t1"); err != nil || tk.UserID != "u1" || tk.Name != "import script" {
		t.Errorf("token = %+v, %v", tk, err)
	}
	_, err = st.Token(ctx, "t2")
	wantCode(t, err, place.ENOTFOUND)
}

// tokensRevoked: an account's tokens in the order made; revoking one, all,
// and never another account's.
func tokensRevoked(t *testing.T, st *store.DB) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	for _, u := range []auth.User{{ID: "u1", Email: "one@example.org", Role: auth.Editor, CreatedAt: now}, {ID: "u2", Email: "two@example.org", Role: auth.Editor, CreatedAt: now}} {
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for i, tk := range []auth.Token{{Hash: strings.Repeat("a", 64), UserID: "u1", Name: "script"}, {Hash: strings.Repeat("b", 64), UserID: "u1", Name: "import"}, {Hash: strings.Repeat("c", 64), UserID: "u2"}} {
		tk.CreatedAt = now.Add(time.Duration(i) * time.Second)
		if err := st.CreateToken(ctx, tk); err != nil {
			t.Fatal(err)
		}
	}
	ts, err := st.Tokens(ctx, "u1")
	if err != nil || len(ts) != 2 || ts[0].Name != "script" || ts[1].ID() != strings.Repeat("b", 16) {
		t.Fatalf("tokens of u1 = %+v, %v", ts, err)
	}
	if n, err := st.DeleteTokens(ctx, "u2", strings.Repeat("a", 16)); err != nil || n != 0 {
		t.Errorf("u2 revoking u1's token: %d, %v; want 0", n, err)
	}
	if n, err := st.DeleteTokens(ctx, "u1", strings.Repeat("a", 16)); err != nil || n != 1 {
		t.Errorf("revoke one: %d, %v", n, err)
	}
	if _, err := st.Token(ctx, strings.Repeat("a", 64)); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("a revoked token still found: %v", err)
	}
	if n, err := st.DeleteTokens(ctx, "u1", ""); err != nil || n != 1 {
		t.Errorf("revoke all: %d, %v", n, err)
	}
	if _, err := st.Token(ctx, strings.Repeat("c", 64)); err != nil {
		t.Errorf("another account's token went too: %v", err)
	}
}

// revisions: every write of an asset leaves a revision with its author,
// comment and whole record, and the change feed pages through them in order.
func revisions(t *testing.T, st *store.DB) {
	ctx := context.Background()
	v0, _ := st.Changes(ctx, 0, 0)
	since := int64(0)
	if len(v0) > 0 {
		since = v0[len(v0)-1].Seq
	}
	a := asset("r1", "First Name", "library", orb.Point{-1.45, 53.3})
	if _, err := st.AddAssets(store.WithAuthor(ctx, "ann@example.org", "new library"), []place.Asset{a}); err != nil {
		t.Fatal(err)
	}
	a.Name, a.Geometry = "Second Name", orb.Point{-1.44, 53.31}
	if _, err := st.UpdateAsset(store.WithAuthor(ctx, "bob@example.org", "renamed"), a, 1); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteAsset(ctx, "r1", 2); err != nil {
		t.Fatal(err)
	}
	revs, err := st.Revisions(ctx, "asset", "r1")
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 3 || revs[0].Action != "create" || revs[1].Action != "update" || revs[2].Action != "delete" {
		t.Fatalf("revisions = %+v", revs)
	}
	if revs[0].Author != "ann@example.org" || revs[0].Comment != "new library" || revs[1].Author != "bob@example.org" || revs[2].Author != "placemap" {
		t.Errorf("authors = %q %q %q", revs[0].Author, revs[1].Author, revs[2].Author)
	}
	var rec store.AssetRecord
	if err := json.Unmarshal(revs[0].Data, &rec); err != nil {
		t.Fatal(err)
	}
	first, err := rec.AssetOf()
	if err != nil {
		t.Fatal(err)
	}
	if first.Name != "First Name" || first.Geometry != (orb.Point{-1.45, 53.3}) {
		t.Errorf("first revision = %+v", first)
	}
	if !(revs[0].Seq < revs[1].Seq && revs[1].Seq < revs[2].Seq) || revs[0].CreatedAt.IsZero() {
		t.Errorf("seqs %d %d %d", revs[0].Seq, revs[1].Seq, revs[2].Seq)
	}
	feed, err := st.Changes(ctx, since, 2)
	if err != nil || len(feed) != 2 || feed[0].Seq != revs[0].Seq {
		t.Errorf("changes = %+v, %v", feed, err)
	}
	rest, _ := st.Changes(ctx, feed[1].Seq, 10)
	if len(rest) != 1 || rest[0].Action != "delete" {
		t.Errorf("changes after %d = %+v", feed[1].Seq, rest)
	}
}

// suggestions: a new place, a correction (edited by the moderator) and a
// closure go through the queue: accepting writes the asset, rejecting changes
// nothing, deciding twice is ECONFLICT.
func suggestions(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	newHub := asset("hub", "Heeley Hub", "community_centre", orb.Point{-1.45, 53.3})
	if err := st.CreateSuggestion(ctx, place.Suggestion{ID: "s1", Kind: place.NewAsset, Proposed: newHub, Author: "anonymous", Comment: "opened last month"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Asset(ctx, "hub"); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("a pending suggestion went live: %v", err)
	}
	page, err := st.Suggestions(ctx, store.SuggestionQuery{Status: place.Pending})
	queue := page.Suggestions
	if err != nil || len(queue) != 1 || page.Matched != 1 || queue[0].Proposed.Name != "Heeley Hub" || queue[0].Proposed.Geometry != (orb.Point{-1.45, 53.3}) {
		t.Fatalf("queue = %+v, %v", queue, err)
	}
	got, err := st.DecideSuggestion(store.WithAuthor(ctx, "mod@example.org", ""), "s1", place.SuggestionDecision{Accept: true})
	if err != nil || got.Status != place.Accepted || got.DecidedBy != "mod@example.org" || got.DecidedAt.IsZero() {
		t.Fatalf("accept = %+v, %v", got, err)
	}
	hub, err := st.Asset(ctx, "hub")
	if err != nil || hub.Version != 1 {
		t.Fatalf("accepted asset = %+v, %v", hub, err)
	}
	if ms, _ := st.Memberships(ctx, "hub"); len(ms) != 1 || ms[0].Code != "A1" {
		t.Errorf("accepted asset placed in %v", ms)
	}
	_, err = st.DecideSuggestion(ctx, "s1", place.SuggestionDecision{Reason: "again"})
	wantCode(t, err, place.ECONFLICT)

	// A correction, edited by the moderator before accepting.
	fix := hub
	fix.OpeningHours = "Mo 10:00-12:00"
	if err := st.CreateSuggestion(ctx, place.Suggestion{ID: "s2", Kind: place.Correction, AssetID: "hub", Proposed: fix, Author: "ann@example.org"}); err != nil {
		t.Fatal(err)
	}
	edited := fix
	edited.OpeningHours = "Mo-Fr 10:00-12:00"
	if _, err := st.DecideSuggestion(ctx, "s2", place.SuggestionDecision{Accept: true, Edited: &edited}); err != nil {
		t.Fatal(err)
	}
	if hub, _ = st.Asset(ctx, "hub"); hub.OpeningHours != "Mo-Fr 10:00-12:00" || hub.Version != 2 {
		t.Errorf("after the edited correction: %+v", hub)
	}
	// A closure, rejected: nothing changes.
	if err := st.CreateSuggestion(ctx, place.Suggestion{ID: "s3", Kind: place.Closure, AssetID: "hub", Proposed: hub, Author: "anonymous"}); err != nil {
		t.Fatal(err)
	}
	if got, err := st.DecideSuggestion(ctx, "s3", place.SuggestionDecision{Reason: "still open: we checked"}); err != nil || got.Reason != "still open: we checked" {
		t.Fatalf("reject = %+v, %v", got, err)
	}
	if hub, _ = st.Asset(ctx, "hub"); hub.Status != place.Open || hub.Version != 2 {
		t.Errorf("a rejected closure changed the asset: %+v", hub)
	}
	err = st.CreateSuggestion(ctx, place.Suggestion{ID: "s4", Kind: place.Correction, AssetID: "nope", Proposed: hub, Author: "anonymous"})
	wantCode(t, err, place.ENOTFOUND)
	bad := newHub
	bad.ID, bad.Category = "x", "bookshop"
	wantCode(t, st.CreateSuggestion(ctx, place.Suggestion{ID: "s5", Kind: place.NewAsset, Proposed: bad, Author: "anonymous"}), place.EINVALID)
	all, _ := st.Suggestions(ctx, store.SuggestionQuery{})
	if len(all.Suggestions) != 3 || all.Matched != 3 {
		t.Errorf("%d suggestions (%d matched), want 3", len(all.Suggestions), all.Matched)
	}
}

// drawingSuggestions: a resident's drawing of a community area is checked
// when made, stays out of the set until accepted, is accepted as drawn under a
// code made from its name and id, places the assets inside it and is linked to
// its place.
func drawingSuggestions(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	community := testSet("drawn")
	community.Kind = place.Community
	if _, err := st.ImportSet(ctx, community, Grid()[:1]); err != nil {
		t.Fatal(err)
	}
	if err := st.SavePlace(ctx, place.Place{Slug: "heeley", Name: "Heeley", Links: []place.PlaceLink{{Set: "grid", Code: "A1", Confirmed: true}}}); err != nil {
		t.Fatal(err)
	}
	hub := asset("hub", "Heeley Hub", "community_centre", orb.Point{-1.28, 53.30})
	if _, err := st.AddAssets(ctx, []place.Asset{hub}); err != nil {
		t.Fatal(err)
	}
	answers := []place.Answer{{Question: "What makes it your neighbourhood?", Answer: "the park"}}
	drawing := func(id, set, placeSlug string) place.Suggestion {
		return place.Suggestion{ID: id, Kind: place.AreaDrawing, Author: "anonymous", Comment: "where I live", Place: placeSlug,
			Drawing: "dr-" + id, DrawingKey: "hash-" + id, Answers: answers,
			Area: &place.Area{Set: set, Name: "Heeley as I know it", Geometry: Square(-1.30, 53.28, 0.05)}}
	}
	wantCode(t, st.CreateSuggestion(ctx, drawing("d0", "grid", "")), place.EINVALID)     // wards are not drawn by residents
	wantCode(t, st.CreateSuggestion(ctx, drawing("d0", "", "nowhere")), place.ENOTFOUND) // no such place
	bad := drawing("d0", "drawn", "")
	bad.Area.Geometry = orb.MultiPolygon{{{{-1.4, 53.3}, {-1.3, 53.4}, {-1.3, 53.3}, {-1.4, 53.4}, {-1.4, 53.3}}}} // a bow-tie
	wantCode(t, st.CreateSuggestion(ctx, bad), place.EINVALID)
	if _, err := st.Drawing(ctx, "dr-d0"); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("a refused suggestion left its drawing: %v", err)
	}
	if err := st.CreateSuggestion(ctx, drawing("d1", "drawn", "heeley")); err != nil {
		t.Fatal(err)
	}
	page, err := st.Suggestions(ctx, store.SuggestionQuery{Status: place.Pending})
	queue := page.Suggestions
	if err != nil || len(queue) != 1 || queue[0].Area == nil || queue[0].Place != "heeley" || queue[0].Drawing != "dr-d1" ||
		!slices.Equal(queue[0].Answers, answers) || queue[0].Area.Geometry.Bound() != Square(-1.30, 53.28, 0.05).Bound() {
		t.Fatalf("queue = %+v, %v", queue, err)
	}
	d, err := st.Drawing(ctx, "dr-d1")
	if err != nil || d.Status != place.DrawingPending || d.KeyHash != "hash-d1" || d.Place != "heeley" || d.Source != place.DrawingByResident ||
		!slices.Equal(d.Answers, answers) {
		t.Fatalf("the pending drawing = %+v, %v", d, err)
	}
	listed := func(want int) []place.Drawing {
		t.Helper()
		page, err := st.Drawings(ctx, store.DrawingQuery{Place: "heeley"})
		if err != nil || page.Matched != want || len(page.Drawings) != want {
			t.Fatalf("heeley's drawings = %+v, %v; want %d", page, err, want)
		}
		return page.Drawings
	}
	listed(0)
	v0, _ := st.DrawingsVersion(ctx, "heeley")
	_, err = st.DecideSuggestion(ctx, "d1", place.SuggestionDecision{Accept: true, Edited: &hub})
	wantCode(t, err, place.EINVALID) // a drawing is published as drawn
	got, err := st.DecideSuggestion(store.WithAuthor(ctx, "mod@example.org", ""), "d1", place.SuggestionDecision{Accept: true})
	if err != nil || got.Status != place.Accepted {
		t.Fatalf("accept = %+v, %v", got, err)
	}
	if ds := listed(1); ds[0].ID != "dr-d1" || ds[0].Name != "Heeley as I know it" || ds[0].Status != place.DrawingPublished {
		t.Errorf("the published drawing = %+v", ds[0])
	}
	if v1, _ := st.DrawingsVersion(ctx, "heeley"); v1 == v0 {
		t.Errorf("publishing left the drawings' version at %q", v1)
	}
	if sum, _ := st.Set(ctx, "drawn"); sum.AreaCount != 1 {
		t.Errorf("publishing a drawing changed the set: %d areas", sum.AreaCount)
	}
	if p, _ := st.Place(ctx, "heeley"); len(p.Links) != 1 {
		t.Errorf("publishing a drawing changed heeley's definitions: %+v", p.Links)
	}
	drawingChanges(t, st, drawing)
	adoptConsensus(t, st)
}

// drawingChanges: a change to a published drawing replaces it only once
// accepted; a drawing of no place is published only into one named; a
// rejected drawing stays unpublished.
func drawingChanges(t *testing.T, st *store.DB, drawing func(id, set, placeSlug string) place.Suggestion) {
	ctx := context.Background()
	change := drawing("d2", "", "heeley")
	change.Drawing, change.DrawingKey = "dr-d1", ""
	change.Area.Name, change.Area.Geometry, change.Answers = "Heeley Bottom", Square(-1.29, 53.29, 0.02), nil
	missing := change
	missing.ID, missing.Drawing = "d2x", "dr-none"
	wantCode(t, st.CreateSuggestion(ctx, missing), place.ENOTFOUND)
	if err := st.CreateSuggestion(ctx, change); err != nil {
		t.Fatal(err)
	}
	if d, _ := st.Drawing(ctx, "dr-d1"); d.Name != "Heeley as I know it" || d.Status != place.DrawingPublished {
		t.Errorf("a pending change altered the drawing: %+v", d)
	}
	if _, err := st.DecideSuggestion(ctx, "d2", place.SuggestionDecision{Accept: true}); err != nil {
		t.Fatal(err)
	}
	d, err := st.Drawing(ctx, "dr-d1")
	if err != nil || d.Name != "Heeley Bottom" || d.Geometry.Bound() != Square(-1.29, 53.29, 0.02).Bound() || len(d.Answers) != 0 ||
		d.KeyHash != "hash-d1" || d.Status != place.DrawingPublished || !d.UpdatedAt.After(d.CreatedAt) && !d.UpdatedAt.Equal(d.CreatedAt) {
		t.Errorf("the changed drawing = %+v, %v", d, err)
	}
	if err := st.CreateSuggestion(ctx, drawing("d3", "", "")); err != nil {
		t.Fatal(err)
	}
	_, err = st.DecideSuggestion(ctx, "d3", place.SuggestionDecision{Accept: true})
	wantCode(t, err, place.EINVALID) // name the place
	_, err = st.DecideSuggestion(ctx, "d3", place.SuggestionDecision{Accept: true, Place: "nowhere"})
	wantCode(t, err, place.EINVALID)
	if _, err := st.DecideSuggestion(ctx, "d3", place.SuggestionDecision{Accept: true, Place: "heeley"}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateSuggestion(ctx, drawing("d4", "", "heeley")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DecideSuggestion(ctx, "d4", place.SuggestionDecision{Reason: "spam"}); err != nil {
		t.Fatal(err)
	}
	if d, _ := st.Drawing(ctx, "dr-d4"); d.Status != place.DrawingRejected {
		t.Errorf("a rejected drawing is %s", d.Status)
	}
	page, err := st.Drawings(ctx, store.DrawingQuery{Place: "heeley", Limit: 1, Offset: 1})
	if err != nil || page.Matched != 2 || len(page.Drawings) != 1 || page.Drawings[0].ID != "dr-d3" {
		t.Errorf("the second page of heeley's drawings = %+v, %v", page, err)
	}
	_, err = st.Drawings(ctx, store.DrawingQuery{Place: "nowhere"})
	wantCode(t, err, place.ENOTFOUND)
}

// adoptConsensus: drawings imported all or none; a consensus adopted
// into a community set is a new area, then a new version of it, linked
// to the place with its note.
func adoptConsensus(t *testing.T, st *store.DB) {
	ctx := context.Background()
	imported := []place.Drawing{
		{ID: "i1", Name: "Heeley", Source: "import: workshop.geojson", Geometry: Square(-1.31, 53.28, 0.02)},
		{ID: "i2", Name: "Heeley", Source: "import: workshop.geojson", Geometry: orb.MultiPolygon{{{{-1.4, 53.3}, {-1.3, 53.4}, {-1.3, 53.3}, {-1.4, 53.4}, {-1.4, 53.3}}}}},
	}
	_, err := st.ImportDrawings(ctx, "nowhere", imported)
	wantCode(t, err, place.ENOTFOUND)
	_, err = st.ImportDrawings(ctx, "heeley", imported)
	wantCode(t, err, place.EINVALID)
	if !strings.Contains(place.ErrorMessage(err), "drawing 1") {
		t.Errorf("the refusal does not name the drawing: %v", err)
	}
	if _, err := st.Drawing(ctx, "i1"); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("a refused import wrote drawing 0: %v", err)
	}
	imported[1].Geometry = Square(-1.30, 53.29, 0.02)
	if n, err := st.ImportDrawings(ctx, "heeley", imported); err != nil || n != 2 {
		t.Fatalf("import = %d, %v", n, err)
	}
	if d, _ := st.Drawing(ctx, "i2"); d.Status != place.DrawingPublished || d.Source != "import: workshop.geojson" || d.KeyHash != "" {
		t.Errorf("an imported drawing = %+v", d)
	}
	a := place.Area{Set: "drawn", Code: "heeley-residents", Name: "Heeley", Geometry: Square(-1.30, 53.29, 0.01),
		Properties: map[string]any{"from_drawings": 4, "threshold": 0.5}}
	for _, bad := range []struct {
		set, place string
		code       string
	}{{"grid", "heeley", place.EINVALID}, {"nope", "heeley", place.ENOTFOUND}, {"drawn", "nowhere", place.ENOTFOUND}} {
		b := a
		b.Set = bad.set
		_, err := st.AdoptConsensus(ctx, b, bad.place, "consensus of 4 residents' drawings")
		wantCode(t, err, bad.code)
	}
	for want := int64(1); want <= 2; want++ {
		v, err := st.AdoptConsensus(ctx, a, "heeley", "consensus of 4 residents' drawings")
		if err != nil || v != want {
			t.Fatalf("adopt = %d, %v; want version %d", v, err, want)
		}
	}
	got, err := st.Area(ctx, "drawn", "heeley-residents")
	if err != nil || got.Name != "Heeley" || got.Properties["threshold"] != 0.5 {
		t.Errorf("the adopted area = %+v, %v", got, err)
	}
	p, _ := st.Place(ctx, "heeley")
	if !slices.ContainsFunc(p.Links, func(l place.PlaceLink) bool {
		return l.Set == "drawn" && l.Code == "heeley-residents" && l.Confirmed && l.Note == "consensus of 4 residents' drawings"
	}) {
		t.Errorf("heeley's links = %+v", p.Links)
	}
}

// conflationProposals: a conflation run's proposals: a bad line writes none
// of them; accepting a match updates the asset if the version seen is still
// current; accepting only_osm adds the object; a new run supersedes what it
// names.
func conflationProposals(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	hall := asset("hall", "Heeley Hall", "community_centre", orb.Point{-1.45, 53.3})
	if _, err := st.AddAssets(ctx, []place.Asset{hall}); err != nil {
		t.Fatal(err)
	}
	park := asset("osm-park", "Meersbrook Park", "park", orb.Point{})
	park.Geometry = orb.Polygon{{{-1.46, 53.31}, {-1.45, 53.31}, {-1.45, 53.32}, {-1.46, 53.31}}}
	park.SourceID = "osm:way/9"
	proposalsFirstRun(t, st, park)
	proposalsAcceptMatch(t, st, hall)
	proposalsAcceptOnlyOSM(t, st, park)
	proposalsLaterRuns(t, st)
}

// proposalsFirstRun: run r1 proposes a match for the hall and park as only
// in OSM. A bad line writes none of the run; without it, both are pending, as
// sent.
func proposalsFirstRun(t *testing.T, st *store.DB, park place.Asset) {
	ctx := context.Background()
	fromOSM := asset("", "Heeley Village Hall", "community_centre", orb.Point{-1.4501, 53.3})
	fromOSM.SourceID = "osm:node/7"
	run1 := []place.Proposal{
		{ID: "p1", Run: "r1", File: "a.osm", Outcome: place.OutcomeMatched, AssetID: "hall", AssetVersion: 1, OSMRef: "osm:node/7",
			OSM: []place.Asset{fromOSM}, Differences: []place.TagDifference{{Key: "name", Local: "Heeley Hall", OSM: "Heeley Village Hall"}}},
		{ID: "p2", Run: "r1", File: "a.osm", Outcome: place.OutcomeOnlyOSM, OSMRef: "osm:way/9", OSM: []place.Asset{park}},
	}
	// A bad line writes none of the run.
	bad := append(append([]place.Proposal{}, run1...), place.Proposal{ID: "p3", Run: "r1", Outcome: "maybe", AssetID: "hall"})
	wantCode(t, st.SaveConflation(ctx, place.ConflationRun{ID: "r1", File: "a.osm"}, bad, nil), place.EINVALID)
	if ps, _ := st.Proposals(ctx, ""); len(ps) != 0 {
		t.Fatalf("a refused run left %d proposals", len(ps))
	}
	if err := st.SaveConflation(ctx, place.ConflationRun{ID: "r1", File: "a.osm"}, run1, nil); err != nil {
		t.Fatal(err)
	}
	ps, err := st.Proposals(ctx, place.Pending)
	if err != nil || len(ps) != 2 || ps[0].ID != "p1" || ps[1].OSM[0].Geometry.(orb.Polygon)[0][1] != (orb.Point{-1.45, 53.31}) ||
		ps[0].Differences[0].OSM != "Heeley Village Hall" || ps[0].AssetVersion != 1 || ps[0].CreatedAt.IsZero() {
		t.Fatalf("pending = %+v, %v", ps, err)
	}
}

// proposalsAcceptMatch: accepting a match updates the asset, if it is
// still the version seen; a decided proposal cannot be decided again.
func proposalsAcceptMatch(t *testing.T, st *store.DB, hall place.Asset) {
	ctx := context.Background()
	linked := hall
	linked.Name = "Heeley Village Hall"
	_, err := st.DecideProposal(ctx, "p1", place.ProposalDecision{Accept: true, Taken: []string{"name"}, Update: &linked, UpdateFrom: 5})
	wantCode(t, err, place.ECONFLICT)
	if p, _ := st.Proposal(ctx, "p1"); p.Status != place.Pending {
		t.Errorf("a refused decision left p1 %s", p.Status)
	}
	got, err := st.DecideProposal(store.WithAuthor(ctx, "ed@example.org", "review"), "p1",
		place.ProposalDecision{Accept: true, Taken: []string{"name"}, Update: &linked, UpdateFrom: 1})
	if err != nil || got.Status != place.Accepted || got.DecidedBy != "ed@example.org" || len(got.Taken) != 1 || got.DecidedAt.IsZero() {
		t.Fatalf("accept = %+v, %v", got, err)
	}
	if a, _ := st.Asset(ctx, "hall"); a.Name != "Heeley Village Hall" || a.Version != 2 {
		t.Errorf("after accepting: %+v", a)
	}
	_, err = st.DecideProposal(ctx, "p1", place.ProposalDecision{Accept: false})
	wantCode(t, err, place.ECONFLICT)
}

// proposalsAcceptOnlyOSM: accepting only_osm adds the object, placed in
// the areas it falls in.
func proposalsAcceptOnlyOSM(t *testing.T, st *store.DB, park place.Asset) {
	ctx := context.Background()
	if _, err := st.DecideProposal(ctx, "p2", place.ProposalDecision{Accept: true, Create: &park}); err != nil {
		t.Fatal(err)
	}
	if a, err := st.Asset(ctx, "osm-park"); err != nil || a.SourceID != "osm:way/9" {
		t.Errorf("only_osm accepted: %+v, %v", a, err)
	}
	if ms, _ := st.Memberships(ctx, "osm-park"); len(ms) != 1 {
		t.Errorf("added asset placed in %v", ms)
	}
}

// proposalsLaterRuns: a new run supersedes what is still pending and it
// names; a proposal can be rejected with a reason.
func proposalsLaterRuns(t *testing.T, st *store.DB) {
	ctx := context.Background()
	run2 := []place.Proposal{{ID: "q1", Run: "r2", File: "b.osm", Outcome: place.OutcomeOnlyLocal, AssetID: "hall", AssetVersion: 2}}
	if err := st.SaveConflation(ctx, place.ConflationRun{ID: "r2", File: "b.osm"}, run2, nil); err != nil {
		t.Fatal(err)
	}
	run3 := []place.Proposal{{ID: "z1", Run: "r3", File: "c.osm", Outcome: place.OutcomeOnlyLocal, AssetID: "hall", AssetVersion: 2}}
	if err := st.SaveConflation(ctx, place.ConflationRun{ID: "r3", File: "c.osm"}, run3, []string{"q1"}); err != nil {
		t.Fatal(err)
	}
	if p, _ := st.Proposal(ctx, "q1"); p.Status != place.Superseded {
		t.Errorf("q1 is %s after a newer run, want superseded", p.Status)
	}
	if got, err := st.DecideProposal(ctx, "z1", place.ProposalDecision{Reason: "closing soon"}); err != nil || got.Status != place.Rejected || got.Reason != "closing soon" {
		t.Errorf("reject = %+v, %v", got, err)
	}
	_, err := st.Proposal(ctx, "nope")
	wantCode(t, err, place.ENOTFOUND)
	if all, _ := st.Proposals(ctx, ""); len(all) != 4 {
		t.Errorf("%d proposals in all, want 4", len(all))
	}
}

// freshness: marking an asset reviewed moves its version on and leaves a
// revision; assets are queried by when they were last reviewed.
func freshness(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.AddAssets(ctx, []place.Asset{
		asset("old", "Old Hall", "community_hall", orb.Point{-1.45, 53.3}),
		asset("new", "New Hall", "community_hall", orb.Point{-1.44, 53.3}),
	}); err != nil {
		t.Fatal(err)
	}
	a, err := st.MarkReviewed(store.WithAuthor(ctx, "ed@example.org", "checked on site"), "new", 1)
	if err != nil || a.Version != 2 || a.LastReviewed.IsZero() || time.Since(a.LastReviewed) > time.Minute {
		t.Fatalf("reviewed = %+v, %v", a, err)
	}
	_, err = st.MarkReviewed(ctx, "new", 1)
	wantCode(t, err, place.ECONFLICT)
	_, err = st.MarkReviewed(ctx, "nope", 1)
	wantCode(t, err, place.ENOTFOUND)
	cutoff := time.Now().AddDate(-1, 0, 0)
	page, err := st.Assets(ctx, store.AssetQuery{ReviewedBefore: &cutoff})
	if err != nil || fmt.Sprint(names(page.Assets)) != "[Old Hall]" {
		t.Errorf("needs review = %v, %v", names(page.Assets), err)
	}
	soon := time.Now().Add(time.Hour)
	if page, _ := st.Assets(ctx, store.AssetQuery{ReviewedBefore: &soon}); page.Matched != 2 {
		t.Errorf("reviewed before an hour from now: %d, want 2", page.Matched)
	}
	revs, _ := st.Revisions(ctx, "asset", "new")
	if len(revs) != 2 || revs[1].Action != "reviewed" || revs[1].Author != "ed@example.org" {
		t.Errorf("review revision = %+v", revs)
	}
}

// updateArea: redrawing an area checks its version and its ring, moves the
// memberships of the assets it gains or loses, and leaves a revision.
func updateArea(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAssets(ctx, []place.Asset{asset("x", "Hall", "community_hall", orb.Point{-1.45, 53.3})}); err != nil {
		t.Fatal(err)
	}
	v, err := st.AreaVersion(ctx, "grid", "B1")
	if err != nil || v != 1 {
		t.Fatalf("version = %d, %v", v, err)
	}
	// A1 shrinks to its north part, leaving the hall in no area; then
	// B1 grows over the ground A1 gave up, and the hall lies in B1.
	a1 := place.Area{Set: "grid", Code: "A1", Name: "Area A1 (north part)",
		Geometry: orb.MultiPolygon{{{{-1.5, 53.3125}, {-1.375, 53.3125}, {-1.375, 53.375}, {-1.5, 53.375}, {-1.5, 53.3125}}}}}
	b1 := place.Area{Set: "grid", Code: "B1", Name: "Area B1 (grown)", Geometry: orb.MultiPolygon{{{{-1.5, 53.25}, {-1.25, 53.25}, {-1.25, 53.375}, {-1.375, 53.375}, {-1.375, 53.3125}, {-1.5, 53.3125}, {-1.5, 53.25}}}}}
	if v, err := st.UpdateArea(store.WithAuthor(ctx, "ed@example.org", "redrawn"), a1, 1); err != nil || v != 2 {
		t.Fatalf("update A1: %d %v", v, err)
	}
	if ms, _ := st.Memberships(ctx, "x"); len(ms) != 0 {
		t.Errorf("after A1 shrank the hall lies in %v, want nowhere", ms)
	}
	if _, err := st.UpdateArea(ctx, b1, 1); err != nil {
		t.Fatal(err)
	}
	ms, _ := st.Memberships(ctx, "x")
	if membershipString(ms) != "grid:B1" || ms[0].Name != "Area B1 (grown)" {
		t.Errorf("after B1 grew the hall lies in %q", membershipString(ms))
	}
	_, err = st.UpdateArea(ctx, b1, 1)
	wantCode(t, err, place.ECONFLICT)
	bad := b1
	bad.Geometry = orb.MultiPolygon{{{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}}}
	_, err = st.UpdateArea(ctx, bad, 2)
	wantCode(t, err, place.EINVALID)
	missing := b1
	missing.Code = "Z9"
	_, err = st.UpdateArea(ctx, missing, 1)
	wantCode(t, err, place.ENOTFOUND)
	revs, _ := st.Revisions(ctx, "area", "grid:A1")
	if len(revs) != 1 || revs[0].Author != "ed@example.org" {
		t.Errorf("area revisions = %+v", revs)
	}
}

// addAndDeleteArea: an area added to a set places the assets inside it and
// widens the set's extent; a deletion checks the version and takes the
// memberships with it; a set's last area is not deleted (EINVALID).
func addAndDeleteArea(t *testing.T, st *store.DB) {
	ctx := context.Background()
	// Residents draw a neighbourhood over A1's south-west corner.
	if _, err := st.ImportSet(ctx, testSet("community"), []place.Area{{Code: "far", Name: "Far", Geometry: Square(0, 51, 0.1)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAssets(ctx, []place.Asset{asset("x", "Hall", "community_hall", orb.Point{-1.45, 53.3})}); err != nil {
		t.Fatal(err)
	}
	heeley := place.Area{Set: "community", Code: "heeley", Name: "Heeley", Geometry: Square(-1.5, 53.25, 0.1)}
	if err := st.AddArea(store.WithAuthor(ctx, "res@example.org", "drawn at the drop-in"), heeley); err != nil {
		t.Fatal(err)
	}
	if ms, _ := st.Memberships(ctx, "x"); membershipString(ms) != "community:heeley" {
		t.Errorf("after adding Heeley the hall lies in %q", membershipString(ms))
	}
	if s, _ := st.Set(ctx, "community"); s.AreaCount != 2 || s.BBox.Min[0] != -1.5 {
		t.Errorf("set after adding = %d areas, bbox %v", s.AreaCount, s.BBox)
	}
	wantCode(t, st.AddArea(ctx, heeley), place.ECONFLICT)
	wantCode(t, st.DeleteArea(ctx, "community", "heeley", 5), place.ECONFLICT)
	if err := st.DeleteArea(ctx, "community", "heeley", 1); err != nil {
		t.Fatal(err)
	}
	if ms, _ := st.Memberships(ctx, "x"); len(ms) != 0 {
		t.Errorf("after deleting Heeley the hall lies in %v", ms)
	}
	wantCode(t, st.DeleteArea(ctx, "community", "far", 1), place.EINVALID)
	wantCode(t, st.DeleteArea(ctx, "community", "heeley", 1), place.ENOTFOUND)
	if revs, _ := st.Revisions(ctx, "area", "community:heeley"); len(revs) != 2 || revs[0].Author != "res@example.org" {
		t.Errorf("area revisions = %+v", revs)
	}
}

// ping: a fresh store answers.
func ping(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if err := st.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

func codes(areas []place.Area) []string {
	out := make([]string, len(areas))
	for i, a := range areas {
		out[i] = a.Code
	}
	return out
}

func names(assets []place.Asset) []string {
	out := make([]string, len(assets))
	for i, a := range assets {
		out[i] = a.Name
	}
	return out
}

func membershipString(ms []place.Membership) string {
	s := ""
	for i, m := range ms {
		if i > 0 {
			s += " "
		}
		s += m.Set + ":" + m.Code
	}
	return s
}

func boundsNear(a, b orb.Bound) bool {
	const eps = 1e-9
	for i := 0; i < 2; i++ {
		if d := a.Min[i] - b.Min[i]; d > eps || d < -eps {
			return false
		}
		if d := a.Max[i] - b.Max[i]; d > eps || d < -eps {
			return false
		}
	}
	return true
}
