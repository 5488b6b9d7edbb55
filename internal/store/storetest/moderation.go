package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// Moderation cases (issue 15): paged suggestion lists, suggestions based on
// a version of their asset, duplicate new places, caps on drawings and on
// the codes a successor decision keeps.

// suggestionPages: a page of suggestions in a stable order, with how many
// match in all.
func suggestionPages(t *testing.T, st *store.DB) {
	ctx := context.Background()
	for i := range 5 {
		a := asset(fmt.Sprintf("new-%d", i), fmt.Sprintf("Hall %d", i), "community_centre", orb.Point{-1.45 + 0.01*float64(i), 53.3})
		if err := st.CreateSuggestion(ctx, place.Suggestion{ID: fmt.Sprintf("p%d", i), Kind: place.NewAsset, Proposed: a, Author: "anonymous"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.DecideSuggestion(ctx, "p1", place.SuggestionDecision{Reason: "no"}); err != nil {
		t.Fatal(err)
	}
	ids := func(p store.SuggestionPage) string {
		var out []string
		for _, sg := range p.Suggestions {
			out = append(out, sg.ID)
		}
		return fmt.Sprintf("%v of %d", out, p.Matched)
	}
	for _, tc := range []struct {
		q    store.SuggestionQuery
		want string
	}{
		{store.SuggestionQuery{}, "[p0 p1 p2 p3 p4] of 5"},
		{store.SuggestionQuery{Limit: 2}, "[p0 p1] of 5"},
		{store.SuggestionQuery{Limit: 2, Offset: 2}, "[p2 p3] of 5"},
		{store.SuggestionQuery{Limit: 2, Offset: 4}, "[p4] of 5"},
		{store.SuggestionQuery{Limit: 2, Offset: 9}, "[] of 5"},
		{store.SuggestionQuery{Status: place.Pending, Limit: 3}, "[p0 p2 p3] of 4"},
		{store.SuggestionQuery{Status: place.Pending, Limit: 3, Offset: 3}, "[p4] of 4"},
		{store.SuggestionQuery{Status: place.Rejected}, "[p1] of 1"},
	} {
		page, err := st.Suggestions(ctx, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(page); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.q, got, tc.want)
		}
	}
}

// staleSuggestions: a correction records the version of the asset it was
// based on; accepting it once the asset has changed is a conflict that
// writes nothing, until the moderator names the current version.
func staleSuggestions(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	hub := asset("hub", "Heeley Hub", "community_centre", orb.Point{-1.45, 53.3})
	hub.OpeningHours = "Mo 09:00-12:00"
	if _, err := st.AddAssets(ctx, []place.Asset{hub}); err != nil {
		t.Fatal(err)
	}
	v1, _ := st.Asset(ctx, "hub")
	fix := v1
	fix.OpeningHours = "Mo-Fr 09:00-17:00"
	if err := st.CreateSuggestion(ctx, place.Suggestion{ID: "fix", Kind: place.Correction, AssetID: "hub", Proposed: fix, Author: "anonymous"}); err != nil {
		t.Fatal(err)
	}
	sg, err := st.Suggestion(ctx, "fix")
	if err != nil || sg.BaseVersion != 1 || sg.Base == nil || sg.Base.OpeningHours != "Mo 09:00-12:00" {
		t.Fatalf("suggestion = %+v (base %+v), %v; want based on version 1", sg, sg.Base, err)
	}
	// An editor changes the asset meanwhile.
	edit := v1
	edit.Phone = "0114 000 0000"
	v2, err := st.UpdateAsset(store.WithAuthor(ctx, "ed@example.org", ""), edit, 1)
	if err != nil {
		t.Fatal(err)
	}
	// A suggestion sent by someone who still saw version 1 is based on it.
	if err := st.CreateSuggestion(ctx, place.Suggestion{ID: "late", Kind: place.Closure, AssetID: "hub", BaseVersion: 1, Author: "anonymous"}); err != nil {
		t.Fatal(err)
	}
	late, _ := st.Suggestion(ctx, "late")
	if late.BaseVersion != 1 || late.Base == nil || late.Base.Phone != "" || late.Proposed.Status != place.Closed || late.Proposed.Phone != "" {
		t.Errorf("closure sent on version 1 = %+v, base %+v", late, late.Base)
	}
	wantCode(t, st.CreateSuggestion(ctx, place.Suggestion{ID: "future", Kind: place.Closure, AssetID: "hub", BaseVersion: 9, Author: "anonymous"}), place.EINVALID)

	_, err = st.DecideSuggestion(ctx, "fix", place.SuggestionDecision{Accept: true})
	wantCode(t, err, place.ECONFLICT)
	if now, _ := st.Asset(ctx, "hub"); now.Version != v2.Version || now.Phone != "0114 000 0000" || now.OpeningHours != "Mo 09:00-12:00" {
		t.Errorf("a refused accept wrote: %+v", now)
	}
	if sg, _ := st.Suggestion(ctx, "fix"); sg.Status != place.Pending {
		t.Errorf("a refused accept decided the suggestion: %s", sg.Status)
	}
	// Naming a version that is not the current one is refused too.
	_, err = st.DecideSuggestion(ctx, "fix", place.SuggestionDecision{Accept: true, IfVersion: 1})
	wantCode(t, err, place.ECONFLICT)
	merged, err := place.MergeSuggestion(*sg.Base, v2, sg.Proposed, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DecideSuggestion(store.WithAuthor(ctx, "mod@example.org", ""), "fix", place.SuggestionDecision{Accept: true, IfVersion: v2.Version, Edited: &merged}); err != nil {
		t.Fatal(err)
	}
	now, _ := st.Asset(ctx, "hub")
	if now.Version != 3 || now.Phone != "0114 000 0000" || now.OpeningHours != "Mo-Fr 09:00-17:00" {
		t.Errorf("after the merge: %+v, want both the editor's phone and the suggested hours", now)
	}
	_, err = st.DecideSuggestion(ctx, "late", place.SuggestionDecision{Accept: true})
	wantCode(t, err, place.ECONFLICT)
}

// duplicateSuggestions: a new place within 50 m of one of the same
// category and an alike name is not added until a moderator confirms it
// or merges it into the one there.
func duplicateSuggestions(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	there := asset("there", "Heeley Community Centre", "community_centre", orb.Point{-1.45, 53.3})
	if _, err := st.AddAssets(ctx, []place.Asset{there}); err != nil {
		t.Fatal(err)
	}
	suggest := func(id, name, category string, dLon float64) {
		t.Helper()
		a := asset("new-"+id, name, category, orb.Point{-1.45 + dLon, 53.3})
		a.Phone = "0114 222 2222"
		if err := st.CreateSuggestion(ctx, place.Suggestion{ID: id, Kind: place.NewAsset, Proposed: a, Author: "anonymous"}); err != nil {
			t.Fatal(err)
		}
	}
	// 0.0003° of longitude at 53.3° N is about 20 m; 0.0009° about 60 m.
	suggest("near", "Heeley Centre", "community_centre", 0.0003)
	suggest("far", "Heeley Centre", "community_centre", 0.0009)
	suggest("other-kind", "Heeley Centre", "library", 0.0003)
	suggest("other-name", "Broomhill Centre", "community_centre", 0.0003)
	suggest("merge", "Heeley Community Centre", "community_centre", 0.0001)
	dups, err := store.Duplicates(ctx, st, asset("x", "Heeley Centre", "community_centre", orb.Point{-1.4497, 53.3}))
	if err != nil || len(dups) != 1 || dups[0].Asset.ID != "there" || dups[0].DistanceM < 15 || dups[0].DistanceM > 25 {
		t.Fatalf("duplicates = %+v, %v; want there, about 20 m away", dups, err)
	}
	_, err = st.DecideSuggestion(ctx, "near", place.SuggestionDecision{Accept: true})
	wantCode(t, err, place.ECONFLICT)
	if !strings.Contains(place.ErrorMessage(err), "there") {
		t.Errorf("the conflict does not name the likely duplicate: %v", err)
	}
	if _, err := st.Asset(ctx, "new-near"); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("a likely duplicate was added: %v", err)
	}
	for _, id := range []string{"far", "other-kind", "other-name"} {
		if _, err := st.DecideSuggestion(ctx, id, place.SuggestionDecision{Accept: true}); err != nil {
			t.Errorf("accept %s (no duplicate): %v", id, err)
		}
	}
	if _, err := st.DecideSuggestion(ctx, "near", place.SuggestionDecision{Accept: true, ConfirmNew: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Asset(ctx, "new-near"); err != nil {
		t.Errorf("confirmed as new, but not added: %v", err)
	}
	sg, _ := st.Suggestion(ctx, "merge")
	cur, _ := st.Asset(ctx, "there")
	merged := place.MergeInto(cur, sg.Proposed)
	_, err = st.DecideSuggestion(ctx, "merge", place.SuggestionDecision{Accept: true, MergeInto: "there"})
	wantCode(t, err, place.EINVALID) // the merged asset and the version are required
	_, err = st.DecideSuggestion(ctx, "merge", place.SuggestionDecision{Accept: true, MergeInto: "there", Edited: &merged, IfVersion: cur.Version + 1})
	wantCode(t, err, place.ECONFLICT)
	got, err := st.DecideSuggestion(ctx, "merge", place.SuggestionDecision{Accept: true, MergeInto: "there", Edited: &merged, IfVersion: cur.Version})
	if err != nil || got.Status != place.Accepted || got.AssetID != "there" {
		t.Fatalf("merge = %+v, %v", got, err)
	}
	if a, _ := st.Asset(ctx, "there"); a.Phone != "0114 222 2222" || a.Version != cur.Version+1 || a.Geometry != (orb.Point{-1.45, 53.3}) {
		t.Errorf("merged asset = %+v: want the suggested phone, in its own place", a)
	}
	if _, err := st.Asset(ctx, "new-merge"); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("a merged suggestion added an asset too: %v", err)
	}
}

// suggestionCaps: a drawing, or a new place's outline, of more than
// place.MaxDrawnVertices corners is refused.
func suggestionCaps(t *testing.T, st *store.DB) {
	ctx := context.Background()
	community := testSet("drawn")
	community.Kind = place.Community
	if _, err := st.ImportSet(ctx, community, Grid()[:1]); err != nil {
		t.Fatal(err)
	}
	ring := func(n int) orb.Ring {
		r := make(orb.Ring, 0, n)
		for i := 0; i < n-2; i++ { // along the bottom edge, then the apex and back: n positions
			r = append(r, orb.Point{-1.45 + 0.04*float64(i)/float64(n), 53.30})
		}
		r = append(r, orb.Point{-1.43, 53.32}, r[0])
		return r
	}
	drawing := func(n int) place.Suggestion {
		return place.Suggestion{ID: fmt.Sprint("d", n), Kind: place.AreaDrawing, Author: "anonymous",
			Drawing: fmt.Sprint("dr", n), DrawingKey: "hash",
			Area: &place.Area{Set: "drawn", Name: "Big", Geometry: orb.MultiPolygon{{ring(n)}}}}
	}
	if err := st.CreateSuggestion(ctx, drawing(place.MaxDrawnVertices)); err != nil {
		t.Errorf("a drawing of %d corners: %v", place.MaxDrawnVertices, err)
	}
	err := st.CreateSuggestion(ctx, drawing(place.MaxDrawnVertices+1))
	wantCode(t, err, place.EINVALID)
	if !strings.Contains(place.ErrorMessage(err), fmt.Sprint(place.MaxDrawnVertices)) {
		t.Errorf("the refusal does not name the limit: %v", err)
	}
	site := asset("site", "Big Park", "park", orb.Point{})
	site.Geometry = orb.Polygon{ring(place.MaxDrawnVertices + 1)}
	wantCode(t, st.CreateSuggestion(ctx, place.Suggestion{ID: "site", Kind: place.NewAsset, Proposed: site, Author: "anonymous"}), place.EINVALID)
	page, _ := st.Suggestions(ctx, store.SuggestionQuery{})
	if page.Matched != 1 {
		t.Errorf("%d suggestions recorded, want 1", page.Matched)
	}
}

// successorKeepDeduplicated: a decision that keeps one code many times
// keeps it once; one that keeps more than place.MaxKept codes is refused.
func successorKeepDeduplicated(t *testing.T, st *store.DB) {
	ctx := context.Background()
	w1, w2 := testSet("k1"), testSet("k2")
	if _, err := st.ImportRelease(ctx, w1, Grid(), place.Release{Series: "ks", Current: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportRelease(ctx, w2, Grid(), place.Release{Series: "ks", Current: true}); err != nil {
		t.Fatal(err)
	}
	keep := make([]place.Successor, 20000)
	for i := range keep {
		keep[i] = place.Successor{NewCode: "A1"}
	}
	got, err := st.DecideSuccessors(ctx, "k1", "A1", "k2", keep, "u-ed", "")
	if err != nil || len(got) != 1 || got[0].NewCode != "A1" {
		t.Fatalf("keep A1 20,000 times = %+v, %v; want one link", got, err)
	}
	many := make([]place.Successor, place.MaxKept+1)
	for i := range many {
		many[i] = place.Successor{NewCode: fmt.Sprint("C", i)}
	}
	_, err = st.DecideSuccessors(ctx, "k1", "A1", "k2", many, "u-ed", "")
	wantCode(t, err, place.EINVALID)
}

// suggestionDetailsCapped: a suggestion whose fields and tags hold more
// than place.MaxSuggestedDetails bytes of text is refused, whatever its
// kind.
func suggestionDetailsCapped(t *testing.T, st *store.DB) {
	ctx := context.Background()
	hub := asset("hub", "Heeley Hub", "community_centre", orb.Point{-1.45, 53.3})
	if _, err := st.AddAssets(ctx, []place.Asset{hub}); err != nil {
		t.Fatal(err)
	}
	big := hub
	big.Tags = map[string]string{}
	for i := range 40 {
		big.Tags[fmt.Sprint("note", i)] = strings.Repeat("x", 1000)
	}
	wantCode(t, st.CreateSuggestion(ctx, place.Suggestion{ID: "big-fix", Kind: place.Correction, AssetID: "hub", Proposed: big, Author: "anonymous"}), place.EINVALID)
	big.ID = "big-new"
	wantCode(t, st.CreateSuggestion(ctx, place.Suggestion{ID: "big-new", Kind: place.NewAsset, Proposed: big, Author: "anonymous"}), place.EINVALID)
	if page, _ := st.Suggestions(ctx, store.SuggestionQuery{}); page.Matched != 0 {
		t.Errorf("%d suggestions recorded, want none", page.Matched)
	}
}
