package main

import (
	"io"
	"log/slog"
	"runtime/debug"
	"testing"
)

// TestTuneGC: serve sets its GC percent and soft memory limit from the
// flags, but $GOGC and $GOMEMLIMIT, when set, win.
func TestTuneGC(t *testing.T) {
	gc0 := debug.SetGCPercent(100)
	limit0 := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(gc0); debug.SetMemoryLimit(limit0) })
	const none = int64(^uint64(0) >> 1) // the runtime's "no limit"
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, c := range []struct {
		name             string
		gogc, gomemlimit string
		percent, limitMB int
		wantGC           int
		wantLimit        int64
	}{
		{"flags", "", "", 400, 768, 400, 768 << 20},
		{"no limit", "", "", 300, 0, 300, none},
		{"$GOGC wins", "150", "", 400, 768, 100, 768 << 20},
		{"$GOMEMLIMIT wins", "", "2GiB", 400, 768, 400, none},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("GOGC", c.gogc)
			t.Setenv("GOMEMLIMIT", c.gomemlimit)
			debug.SetGCPercent(100) // as the runtime left it (here, whatever $GOGC says)
			debug.SetMemoryLimit(none)
			tuneGC(c.percent, c.limitMB, quiet)
			if gc := debug.SetGCPercent(100); gc != c.wantGC {
				t.Errorf("GC percent %d, want %d", gc, c.wantGC)
			}
			if l := debug.SetMemoryLimit(-1); l != c.wantLimit {
				t.Errorf("memory limit %d, want %d", l, c.wantLimit)
			}
		})
	}
}

func TestMemoryLimitFromCaches(t *testing.T) {
	for _, c := range []struct {
		name                   string
		flag, tiles, crosswalk int
		want                   int
	}{
		{"defaults (tiles 64 + shapes 256)", memoryLimitDefault, 64 + 256, 256, 1088},
		{"small caches keep the floor", memoryLimitDefault, 0, 16, 768},
		{"national bench caches", memoryLimitDefault, 1024, 2048, 3584},
		{"flag wins", 500, 1024, 2048, 500},
		{"flag 0 means none", 0, 1024, 2048, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := memoryLimitMB(c.flag, c.tiles, c.crosswalk); got != c.want {
				t.Errorf("memoryLimitMB(%d, %d, %d) = %d, want %d", c.flag, c.tiles, c.crosswalk, got, c.want)
			}
		})
	}
}
