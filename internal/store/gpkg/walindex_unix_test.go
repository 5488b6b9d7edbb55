//go:build unix

package gpkg

import (
	"context"
	"testing"
)

// TestWalIndexHeldUntilLastStore: two stores of one process on one file
// share the wal-index's descriptors, which stay open (closing one would
// drop SQLite's locks on the file for the whole process) until the last
// store has closed its connections.
func TestWalIndexHeldUntilLastStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, sa := openTest(t, dir)
	b, sb := openTest(t, dir)
	for _, st := range []interface {
		DataVersion(context.Context) (int64, error)
	}{sa, sb} {
		if _, err := st.DataVersion(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if a.wal == nil || b.wal == nil || &a.wal.b[0] != &b.wal.b[0] {
		t.Fatal("the stores do not share one mapping of the wal-index")
	}
	files := func() (n, fds int) {
		walIndexes.Lock()
		defer walIndexes.Unlock()
		for _, f := range walIndexes.m {
			if &f.b[0] == &a.wal.b[0] {
				n, fds = f.refs, len(f.fds)
			}
		}
		return n, fds
	}
	if refs, fds := files(); refs != 2 || fds != 2 {
		t.Fatalf("%d users, %d descriptors; want 2 and 2", refs, fds)
	}
	sb.Close()
	if refs, fds := files(); refs != 1 || fds != 2 {
		t.Fatalf("after one store closed: %d users, %d descriptors; want 1 and 2 still open", refs, fds)
	}
	x := a.wal
	sa.Close()
	walIndexes.Lock()
	defer walIndexes.Unlock()
	for _, f := range walIndexes.m {
		if &f.b[0] == &x.b[0] {
			t.Fatal("the wal-index still mapped after the last store closed")
		}
	}
}
