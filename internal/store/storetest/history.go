package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// deletedAssetHistory: the history of a deleted asset, and of one brought
// back, reads like any other: every revision a whole record.
func deletedAssetHistory(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	a := asset("d1", "Heeley Hall", "community_hall", orb.Point{-1.45, 53.3})
	a.OpeningHours = "Mo 09:00-12:00"
	if _, err := st.AddAssets(store.WithAuthor(ctx, "ann@example.org", "new"), []place.Asset{a}); err != nil {
		t.Fatal(err)
	}
	a.Name, a.Geometry = "Heeley Village Hall", orb.Point{-1.44, 53.31}
	if _, err := st.UpdateAsset(ctx, a, 1); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteAsset(store.WithAuthor(ctx, "bob@example.org", "closed for good"), "d1", 2); err != nil {
		t.Fatal(err)
	}
	revs, err := st.Revisions(ctx, "asset", "d1")
	if err != nil || len(revs) != 3 || revs[2].Action != "delete" {
		t.Fatalf("revisions = %+v, %v", revs, err)
	}
	del := revs[2]
	if del.Author != "bob@example.org" || del.Comment != "closed for good" {
		t.Errorf("delete revision by %q (%q)", del.Author, del.Comment)
	}
	// The deletion keeps the asset as it was deleted, geometry and all,
	// so the history reads it and a restore can bring it back.
	last := assetOfRevision(t, del)
	if last.ID != "d1" || last.Name != "Heeley Village Hall" || last.OpeningHours != "Mo 09:00-12:00" ||
		last.Geometry != (orb.Point{-1.44, 53.31}) || last.Version != 2 {
		t.Errorf("deleted state = %+v", last)
	}
	// Feed and history agree on the deletion.
	feed, err := st.Changes(ctx, revs[1].Seq, 10)
	if err != nil || len(feed) != 1 || feed[0].Seq != del.Seq || feed[0].Action != "delete" {
		t.Errorf("changes after the update = %+v, %v", feed, err)
	}
	// Brought back (as a restore does: the deleted state added anew),
	// the history goes on from the deletion and reads throughout.
	back := last
	back.Version = 0
	if _, err := st.AddAssets(store.WithAuthor(ctx, "ann@example.org", fmt.Sprintf("restore revision %d", del.Seq)), []place.Asset{back}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Asset(ctx, "d1")
	if err != nil || got.Name != "Heeley Village Hall" || got.Geometry != (orb.Point{-1.44, 53.31}) {
		t.Errorf("undeleted = %+v, %v", got, err)
	}
	if ms, err := st.Memberships(ctx, "d1"); err != nil || len(ms) != 1 || ms[0].Code != "A1" {
		t.Errorf("undeleted memberships = %+v, %v", ms, err)
	}
	revs, err = st.Revisions(ctx, "asset", "d1")
	if err != nil || len(revs) != 4 || revs[3].Action != "create" || revs[3].Seq <= del.Seq {
		t.Fatalf("revisions after undelete = %+v, %v", revs, err)
	}
	for _, rv := range revs {
		assetOfRevision(t, rv)
	}
	// Deleted twice: each deletion keeps its own last state.
	if err := st.DeleteAsset(ctx, "d1", got.Version); err != nil {
		t.Fatal(err)
	}
	revs, _ = st.Revisions(ctx, "asset", "d1")
	if len(revs) != 5 || revs[4].Action != "delete" || assetOfRevision(t, revs[4]).Version != got.Version {
		t.Errorf("second deletion = %+v", revs)
	}
}

// displayNamesAndGrants: accounts carry the display name and the scopes that
// decide who may write where; a name that is an address or holds a control
// character is EINVALID.
func displayNamesAndGrants(t *testing.T, st *store.DB) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	ed := auth.User{ID: "u-ed", Email: "ed@example.org", Role: auth.Editor, PasswordHash: "$argon2id$x", CreatedAt: now,
		DisplayName: "Heeley volunteers", Scopes: []string{"community:heeley", "wards"}}
	mod := auth.User{ID: "u-mod", Email: "mod@example.org", Role: auth.Moderator, PasswordHash: "$argon2id$x", CreatedAt: now,
		Scopes: []string{"wards", "community:sharrow"}}
	plain := auth.User{ID: "u-plain", Email: "plain@example.org", Role: auth.Editor, PasswordHash: "$argon2id$x", CreatedAt: now}
	for _, u := range []auth.User{ed, mod, plain} {
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	bad := plain
	bad.ID, bad.Email, bad.DisplayName = "u-bad", "bad@example.org", "me@example.org"
	wantCode(t, st.CreateUser(ctx, bad), place.EINVALID)
	if u, err := st.UserByEmail(ctx, "ed@example.org"); err != nil || u.DisplayName != "Heeley volunteers" || u.PublicName() != "Heeley volunteers" {
		t.Errorf("named user = %+v, %v", u, err)
	}
	if u, err := st.User(ctx, "u-mod"); err != nil || u.DisplayName != "" || u.PublicName() != "a moderator" {
		t.Errorf("unnamed user = %+v, %v", u, err)
	}
	if err := st.SetDisplayName(ctx, "u-mod", "  Sharrow moderators  "); err != nil {
		t.Fatal(err)
	}
	if u, _ := st.User(ctx, "u-mod"); u.DisplayName != "Sharrow moderators" {
		t.Errorf("display name set = %q", u.DisplayName)
	}
	wantCode(t, st.SetDisplayName(ctx, "u-mod", "mod@example.org"), place.EINVALID)
	wantCode(t, st.SetDisplayName(ctx, "u-mod", "a\x00b"), place.EINVALID)
	wantCode(t, st.SetDisplayName(ctx, "nobody", "X"), place.ENOTFOUND)
	if u, _ := st.User(ctx, "u-mod"); u.DisplayName != "Sharrow moderators" {
		t.Errorf("a refused name was written: %q", u.DisplayName)
	}
	if err := st.SetDisplayName(ctx, "u-mod", ""); err != nil {
		t.Fatal(err)
	}
	if u, _ := st.User(ctx, "u-mod"); u.PublicName() != "a moderator" {
		t.Errorf("cleared display name = %q", u.DisplayName)
	}
	got, err := st.GrantedScopes(ctx)
	if err != nil || fmt.Sprint(got) != "[community:heeley community:sharrow wards]" {
		t.Errorf("granted scopes = %v, %v", got, err)
	}
}

func assetOfRevision(t *testing.T, rv store.Revision) place.Asset {
	t.Helper()
	var rec store.AssetRecord
	if err := json.Unmarshal(rv.Data, &rec); err != nil {
		t.Fatalf("revision %d (%s): %v", rv.Seq, rv.Action, err)
	}
	a, err := rec.AssetOf()
	if err != nil {
		t.Fatalf("revision %d (%s): %v", rv.Seq, rv.Action, err)
	}
	return a
}
