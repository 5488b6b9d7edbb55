package main

import (
	"log/slog"
	"os"
	"runtime/debug"
)

// Garbage collection while serving. An uncached tile allocates far more
// than it keeps (shapes read, drawn, encoded, then dropped) and the live
// heap is small, so at Go's default GOGC=100 the collector ran every few
// tiles. serve collects less often (a higher GC percent) under a soft
// memory limit: the heap may grow to five times what is live while that
// is small, and no further than the limit however much is live.
const (
	defaultGCPercent = 400
	// memoryHeadroomMB is the soft limit above what the caches may hold:
	// a limit below the live heap would have the collector run without
	// end (capped at half the CPU), so the caches' sizes count in full.
	memoryHeadroomMB   = 512
	minMemoryLimitMB   = 768
	memoryLimitDefault = -1 // --memory-limit-mb unset: from the caches
)

// memoryLimitMB is the soft limit serve runs under: the flag's value when
// given, else the tile caches (tiles and shapes) and the crosswalk cache plus headroom, at least
// minMemoryLimitMB.
func memoryLimitMB(flag, tileCacheMB, crosswalkCacheMB int) int {
	if flag != memoryLimitDefault {
		return flag
	}
	return max(minMemoryLimitMB, tileCacheMB+crosswalkCacheMB+memoryHeadroomMB)
}

// tuneGC sets the GC percent and the soft memory limit (MiB; 0 for none),
// except where $GOGC or $GOMEMLIMIT set them: those win.
func tuneGC(percent, limitMB int, log *slog.Logger) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(percent)
	}
	if os.Getenv("GOMEMLIMIT") == "" && limitMB > 0 {
		debug.SetMemoryLimit(int64(limitMB) << 20)
	}
	gc := debug.SetGCPercent(-1) // reads it, turning collection off…
	debug.SetGCPercent(gc)       // …until now
	log.Info("garbage collection", "gc_percent", gc, "memory_limit_mib", debug.SetMemoryLimit(-1)>>20,
		"gogc_env", os.Getenv("GOGC"), "gomemlimit_env", os.Getenv("GOMEMLIMIT"))
}
