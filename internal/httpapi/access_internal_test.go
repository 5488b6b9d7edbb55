package httpapi

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// TestLoginGuard: failed sign-ins count per account and address. A
// stranger who keeps guessing at an account (slowly enough to pass the
// per-address limit) locks only their own address out of it; the owner,
// elsewhere, signs in; a success clears the address's failures.
func TestLoginGuard(t *testing.T) {
	g := newLoginGuard()
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	stranger, owner := "203.0.113.9", "198.51.100.7"
	for i := 0; i < 10; i++ {
		at := t0.Add(time.Duration(i) * time.Minute)
		if ok, _, why := g.allow("ed@example.org", stranger, at); !ok {
			t.Fatalf("guess %d refused: %s", i+1, why)
		}
		g.failed("ed@example.org", stranger, at)
	}
	at := t0.Add(10 * time.Minute)
	ok, wait, why := g.allow("ed@example.org", stranger, at)
	if ok || wait <= 0 || wait > time.Hour || why != "too many failed sign-ins to this account from your address" {
		t.Errorf("11th guess from the stranger: %v %v %q", ok, wait, why)
	}
	if ok, _, why := g.allow("ed@example.org", owner, at); !ok {
		t.Errorf("the owner is locked out by a stranger: %s", why)
	}
	g.succeeded("ed@example.org", owner)
	// The stranger's address may still try other accounts' (per-address
	// limit permitting), and this one again once the hour has passed.
	if ok, _, why := g.allow("other@example.org", stranger, at.Add(time.Second)); !ok {
		t.Errorf("stranger, another account: %s", why)
	}
	if ok, _, why := g.allow("ed@example.org", stranger, t0.Add(61*time.Minute)); !ok {
		t.Errorf("stranger after the hour: %s", why)
	}
	// Every attempt counts against its address: 5 a minute.
	fast := t0.Add(3 * time.Hour)
	for i := 0; i < 5; i++ {
		if ok, _, _ := g.allow("x@example.org", "192.0.2.1", fast); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if ok, _, why := g.allow("y@example.org", "192.0.2.1", fast); ok || why != "too many sign-in attempts from your address" {
		t.Errorf("6th attempt in a minute from one address: %v %q", ok, why)
	}
	// A success clears that address's failures for the account.
	for i := 0; i < 9; i++ {
		g.failed("z@example.org", owner, fast)
	}
	g.succeeded("z@example.org", owner)
	for i := 0; i < 9; i++ {
		g.failed("z@example.org", owner, fast)
	}
	if full, _ := g.failures.full(failureKey("z@example.org", owner), fast); full {
		t.Error("failures before a success still count")
	}
}

// TestLegacyDeletionHistory: a deletion recorded before revisions kept the
// deleted state (only {"id","version"}) reads as the state it deleted.
func TestLegacyDeletionHistory(t *testing.T) {
	a := place.Asset{ID: "x", Name: "Hall", Category: "community_hall", Status: place.Open, Geometry: orb.Point{-1.45, 53.3}, Version: 2}
	rec, err := store.NewAssetRecord(a)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(rec)
	revs := []store.Revision{
		{Seq: 1, Action: "create", Data: data},
		{Seq: 2, Action: "delete", Data: json.RawMessage(`{"id":"x","version":2}`)},
	}
	states, err := assetStates(revs)
	if err != nil || len(states) != 2 || states[1].Name != "Hall" || states[1].Geometry != (orb.Point{-1.45, 53.3}) {
		t.Errorf("states = %+v, %v", states, err)
	}
	if _, err := assetStates(revs[1:]); err == nil {
		t.Error("a lone legacy deletion read")
	}
	// A broken record is an error, not a silent copy of the one before.
	revs[1] = store.Revision{Seq: 2, Action: "update", Data: json.RawMessage(`{"id":"x","version":2}`)}
	if _, err := assetStates(revs); err == nil {
		t.Error("an update without geometry read")
	}
}
