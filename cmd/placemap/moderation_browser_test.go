package main

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// TestModerationInChromium (issue 15, items 8 and 16): a moderator's queue
// shows a correction whose library changed since it was sent as a
// three-way table (when sent, now, suggested) and accepts it merged onto
// the current version, keeping the later edit; a new library suggested
// 20 m from the one there is answered with the likely duplicate, added as
// new on request, and a second one merged into it
// (test/browser/moderation.mjs).
func TestModerationInChromium(t *testing.T) {
	var lib place.Asset
	base := serveDemoWith(t, func(ctx context.Context, st *store.DB) {
		hash, err := auth.HashPassword(testPassword)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateUser(ctx, auth.User{ID: "u-mod", Email: "mod@example.org", Role: auth.Moderator, PasswordHash: hash, CreatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		page, err := st.Assets(ctx, store.AssetQuery{Category: "library", Limit: 1})
		if err != nil || len(page.Assets) != 1 {
			t.Fatalf("a demo library: %v", err)
		}
		lib = page.Assets[0]
		fix := lib
		fix.OpeningHours = "Mo-Sa 09:00-18:00"
		if err := st.CreateSuggestion(ctx, place.Suggestion{ID: "fix-hours", Kind: place.Correction, AssetID: lib.ID, Proposed: fix,
			Author: "anonymous", Comment: "new hours on the door"}); err != nil {
			t.Fatal(err)
		}
		edited := lib
		edited.Phone = "0114 273 4727"
		if lib, err = st.UpdateAsset(store.WithAuthor(ctx, "ed@example.org", "phone from the council site"), edited, lib.Version); err != nil {
			t.Fatal(err)
		}
		for i, id := range []string{"dup-1", "dup-2"} {
			dup := place.Asset{ID: "new-" + id, Name: lib.Name, Category: "library", Status: place.Open, Source: "placemap",
				Website: "https://example.org/" + id, Geometry: orb.Point{lib.Geometry.(orb.Point)[0] + 0.0003 + 0.00005*float64(i), lib.Geometry.(orb.Point)[1]}}
			if err := st.CreateSuggestion(ctx, place.Suggestion{ID: id, Kind: place.NewAsset, Proposed: dup, Author: "anonymous"}); err != nil {
				t.Fatal(err)
			}
		}
	})
	runBrowser(t, "moderation.mjs", "browser-moderation", base, "mod@example.org", testPassword, lib.ID, lib.Name)
}
