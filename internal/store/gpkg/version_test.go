package gpkg_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
)

// TestDataVersionSeesOtherWriters: the data version and the tile layers'
// versions, answered without reading them while nothing commits, still
// move on a write through another handle on the file (another process's),
// as on one through its own.
func TestDataVersionSeesOtherWriters(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := gpkg.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := gpkg.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	asset := func(id string) []place.Asset {
		return []place.Asset{{ID: id, Name: "Hall " + id, Category: "community_hall", Status: place.Open, Geometry: orb.Point{-1.47, 53.38}}}
	}
	v0, err := a.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := a.DataVersion(ctx); again != v0 {
		t.Fatalf("version moved with no write: %d then %d", v0, again)
	}
	tv0, err := a.TileVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range []struct {
		name string
		st   *store.DB
	}{{"its own", a}, {"another handle", b}, {"its own again", a}} {
		if _, err := w.st.AddAssets(ctx, asset(string(rune('a'+i)))); err != nil {
			t.Fatal(err)
		}
		v, err := a.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v <= v0 {
			t.Errorf("after a write through %s: version %d, was %d", w.name, v, v0)
		}
		if vb, _ := b.DataVersion(ctx); vb != v {
			t.Errorf("after a write through %s: the handles say %d and %d", w.name, v, vb)
		}
		v0 = v
		// The asset tiles' version, read the same way, moves with it.
		tv, err := a.TileVersions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if tv.Of(store.AssetsTiles) != v || tv.Of(store.SetTiles("x")) != tv0.Of(store.SetTiles("x")) {
			t.Errorf("after a write through %s: asset tiles at %d, other tiles at %d; want %d and still %d",
				w.name, tv.Of(store.AssetsTiles), tv.Of(store.SetTiles("x")), v, tv0.Of(store.SetTiles("x")))
		}
	}
}

// The environment that makes the test binary the other process of
// TestDataVersionSeesOtherProcesses: the data directory, how many assets
// to add at once (concurrent adds share transactions: group commit), and
// their ids' prefix.
const (
	envWriterDir    = "PLACEMAP_TEST_GPKG_WRITER_DIR"
	envWriterAssets = "PLACEMAP_TEST_GPKG_WRITER_ASSETS"
	envWriterPrefix = "PLACEMAP_TEST_GPKG_WRITER_PREFIX"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(envWriterDir); dir != "" {
		n, _ := strconv.Atoi(os.Getenv(envWriterAssets))
		v, err := openAndAdd(dir, os.Getenv(envWriterPrefix), n)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(v)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// openAndAdd opens the store in dir and adds n assets to it.
func openAndAdd(dir, prefix string, n int) (int64, error) {
	st, err := gpkg.Open(context.Background(), dir)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	return addAssets(st, prefix, n)
}

// addAssets adds n assets, concurrently, and returns the data version
// after.
func addAssets(st *store.DB, prefix string, n int) (int64, error) {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			id := fmt.Sprintf("%s-%d", prefix, i)
			_, errs[i] = st.AddAssets(ctx, []place.Asset{{ID: id, Name: "Hall " + id, Category: "community_hall",
				Status: place.Open, Geometry: orb.Point{-1.47, 53.38}}})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return st.DataVersion(ctx)
}

// TestDataVersionSeesOtherProcesses: a store answering its versions from
// memory sees at once every commit of another process on the file (a CLI
// import beside serve), single writes and concurrent ones sharing
// transactions, as well as its own; the version it answers is exactly
// the one the writer left.
func TestDataVersionSeesOtherProcesses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := gpkg.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	prev, err := st.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		name   string
		assets int
		by     string
	}{
		{"another process, one write", 1, "process"},
		{"another process, concurrent writes", 16, "process"},
		{"its own write", 1, "own"},
		{"its own concurrent writes", 16, "own"},
		{"another store in this process", 1, "store"},
		{"another process again", 1, "process"},
	} {
		// Answered from memory before the write.
		for range 2 {
			if v, err := st.DataVersion(ctx); err != nil || v != prev {
				t.Fatalf("%s: before: version %d (%v), want %d", c.name, v, err, prev)
			}
			if _, err := st.TileVersions(ctx); err != nil {
				t.Fatal(err)
			}
		}
		var want int64
		prefix := fmt.Sprint(c.by, i)
		switch c.by {
		case "own":
			want, err = addAssets(st, prefix, c.assets)
		case "store":
			want, err = openAndAdd(dir, prefix, c.assets)
		default:
			want, err = writeProcess(t, dir, prefix, c.assets)
		}
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		v, err := st.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tv, err := st.TileVersions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v != want || v <= prev || tv.Of(store.AssetsTiles) != want {
			t.Errorf("%s: version %d, asset tiles at %d; the writer left %d, was %d", c.name, v, tv.Of(store.AssetsTiles), want, prev)
		}
		prev = v
	}
}

// writeProcess runs writeAssets in another process: this test binary.
func writeProcess(t *testing.T, dir, prefix string, n int) (int64, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envWriterDir+"="+dir, envWriterAssets+"="+strconv.Itoa(n), envWriterPrefix+"="+prefix)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		return 0, fmt.Errorf("writer process: %w: %s", err, stderr)
	}
	return strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
}
