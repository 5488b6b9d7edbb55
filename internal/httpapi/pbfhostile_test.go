package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/testkit"
)

// TestConflationHostilePBFsAre400: a PBF upload whose data would make the
// PBF decoder panic in a goroutine of its own (plain nodes, a string
// index out of range, arrays of unequal length) is answered 400 EINVALID
// naming the file and the block, the review list is left as it was, no
// spooled upload is left behind, and the server goes on answering. The
// handler runs in this test process: a panic in the decoder's goroutine
// would end it.
func TestConflationHostilePBFsAre400(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		pending := func() int {
			ps, err := st.Proposals(context.Background(), place.Pending)
			if err != nil {
				t.Fatal(err)
			}
			return len(ps)
		}
		if code, _, msg := post(t, srv.URL, "/api/conflations?file=one.osm", []byte(oneLibraryOSM)); code != 201 {
			t.Fatalf("a lawful upload: %d %s", code, msg)
		}
		before := pending()
		for _, h := range testkit.HostilePBFs() {
			code, ecode, msg := post(t, srv.URL, "/api/conflations?file="+h.Name, h.File)
			if code != 400 || ecode != place.EINVALID || !strings.HasPrefix(msg, h.Name+": ") || !strings.Contains(msg, "block 2: ") || !strings.Contains(msg, h.Want) {
				t.Errorf("%s: %d %s %q; want 400 %s naming the file, block 2 and %q", h.Name, code, ecode, msg, place.EINVALID, h.Want)
			}
			if n := pending(); n != before {
				t.Errorf("%s: %d proposals pending, %d before", h.Name, n, before)
			}
			if left := uploads(t, tmp); len(left) > 0 {
				t.Errorf("%s: spooled uploads left behind: %v", h.Name, left)
			}
		}
		// Still answering, and a lawful upload still runs.
		if code, _, msg := post(t, srv.URL, "/api/conflations?file=one.osm", []byte(oneLibraryOSM)); code != 201 {
			t.Errorf("a lawful upload after the hostile ones: %d %s", code, msg)
		}
	})
}
