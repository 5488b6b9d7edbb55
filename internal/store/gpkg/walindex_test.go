package gpkg

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// testHdr is a header as SQLite writes it: version, iChange, isInit,
// mxFrame, and the checksum of the first 40 bytes.
func testHdr(change, mxFrame uint32) walHdr {
	var h walHdr
	ne := binary.NativeEndian
	ne.PutUint32(h[0:], walHdrVersion)
	ne.PutUint32(h[8:], change)
	h[12] = 1
	ne.PutUint16(h[14:], 4096)
	ne.PutUint32(h[16:], mxFrame)
	var s1, s2 uint32
	for i := 0; i < 40; i += 8 {
		s1 += ne.Uint32(h[i:]) + s2
		s2 += ne.Uint32(h[i+4:]) + s1
	}
	ne.PutUint32(h[40:], s1)
	ne.PutUint32(h[44:], s2)
	return h
}

func testIndex(first, second walHdr) *walIndex {
	b := make([]byte, walIndexMinLen)
	copy(b, first[:])
	copy(b[walHdrSize:], second[:])
	return &walIndex{b: b}
}

// TestWalIndexHeader: only a whole header SQLite could have written is
// trusted, and a header reads unchanged only while both copies hold it.
func TestWalIndexHeader(t *testing.T) {
	good, next := testHdr(7, 20), testHdr(8, 23)
	corrupt := func(f func(*walHdr)) walHdr { h := good; f(&h); return h }
	for _, c := range []struct {
		name          string
		first, second walHdr
		trusted       bool
		unchanged     bool // against good
	}{
		{"as written", good, good, true, true},
		{"committed since", next, next, true, false},
		{"being written: second copy new", good, next, false, false},
		{"being written: first copy new", next, good, false, false},
		{"zeroed, to be rebuilt", walHdr{}, walHdr{}, false, false},
		{"not initialised", corrupt(func(h *walHdr) { h[12] = 0 }), corrupt(func(h *walHdr) { h[12] = 0 }), false, false},
		{"another version", corrupt(func(h *walHdr) { h[0]++ }), corrupt(func(h *walHdr) { h[0]++ }), false, false},
		{"bad checksum", corrupt(func(h *walHdr) { h[16]++ }), corrupt(func(h *walHdr) { h[16]++ }), false, false},
	} {
		x := testIndex(c.first, c.second)
		h, ok := x.header()
		if ok != c.trusted || (ok && h != c.first) {
			t.Errorf("%s: header trusted %v, want %v", c.name, ok, c.trusted)
		}
		if got := x.unchanged(&good); got != c.unchanged {
			t.Errorf("%s: unchanged %v, want %v", c.name, got, c.unchanged)
		}
	}
}

func openTest(t *testing.T, dir string) (*dialect, *store.DB) {
	t.Helper()
	d, err := open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	st := store.NewDB(store.Dialect{Conns: d, Geometry: d, SQL: d, Index: d, Text: d})
	t.Cleanup(func() { st.Close() })
	return d, st
}

// TestVersionFromMemory: once read, the versions are answered from the
// wal-index without a query (a query allocates), and are read again after
// a commit.
func TestVersionFromMemory(t *testing.T) {
	ctx := context.Background()
	d, st := openTest(t, t.TempDir())
	if d.wal == nil {
		// Mapped on the first read.
		if _, err := st.DataVersion(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		v, err := st.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.TileVersions(ctx); err != nil {
			t.Fatal(err)
		}
		if d.wal == nil || d.data.Load() == nil || d.tiles.Load() == nil {
			t.Fatal("versions not kept with a wal-index header")
		}
		if n := testing.AllocsPerRun(100, func() {
			if got, _ := st.DataVersion(ctx); got != v {
				t.Fatalf("version %d, want %d", got, v)
			}
			_, _ = st.TileVersions(ctx)
		}); n != 0 {
			t.Errorf("an unchanged version costs %v allocations, want none (no query)", n)
		}
		if _, err := st.AddAssets(ctx, testAsset(i)); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.DataVersion(ctx); got <= v {
			t.Fatalf("after a commit: version %d, was %d", got, v)
		}
	}
}

func testAsset(i int) []place.Asset {
	id := string(rune('a' + i))
	return []place.Asset{{ID: id, Name: "Hall " + id, Category: "community_hall", Status: place.Open, Geometry: orb.Point{-1.47, 53.38}}}
}

// TestVersionUntrustedHeader: a wal-index header that cannot be trusted
// (being written, zeroed, not SQLite's) is never taken for "nothing
// committed": the version is read through PRAGMA data_version and still
// moves with every commit, of this handle or another's.
func TestVersionUntrustedHeader(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name          string
		first, second walHdr
	}{
		{"torn", testHdr(1, 1), testHdr(2, 2)},
		{"zeroed", walHdr{}, walHdr{}},
		{"bad checksum", testHdr(1, 1), testHdr(1, 1)},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			d, st := openTest(t, dir)
			_, other := openTest(t, dir)
			if _, err := st.DataVersion(ctx); err != nil {
				t.Fatal(err)
			}
			if c.name == "bad checksum" {
				c.first[40]++
				c.second[40]++
			}
			d.mu.Lock()
			d.wal = testIndex(c.first, c.second) // frozen: it never moves
			d.closeLocked()
			d.mu.Unlock()
			v, err := st.DataVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range []*store.DB{other, st, other} {
				if _, err := w.AddAssets(ctx, testAsset(i)); err != nil {
					t.Fatal(err)
				}
				got, err := st.DataVersion(ctx)
				if err != nil {
					t.Fatal(err)
				}
				tv, err := st.TileVersions(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if got <= v || tv.Of(store.AssetsTiles) != got {
					t.Fatalf("write %d: version %d, asset tiles at %d; was %d", i, got, tv.Of(store.AssetsTiles), v)
				}
				v = got
			}
		})
	}
}
