package osm

import (
	"context"
	"runtime"
	"testing"
)

// BenchmarkReadDelaware reads the Delaware extract (7.8 MB of PBF, 724,000
// nodes) for its civic assets and for its boundaries, reporting bytes
// allocated: run with -benchmem, or under /usr/bin/time -v for the peak
// resident memory.
func BenchmarkReadDelaware(b *testing.B) {
	path := dataPath(b, "delaware-latest.osm.pbf")
	for _, bc := range []struct {
		name string
		keep func(map[string]string) bool
	}{
		{"civic", Civic},
		{"boundaries", Boundary},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var kept int64
			for b.Loop() {
				st, err := Read(context.Background(), File(path), "delaware-latest.osm.pbf", Options{Keep: bc.keep}, func(Object) error { return nil })
				if err != nil {
					b.Fatal(err)
				}
				kept = st.Kept
			}
			b.ReportMetric(float64(kept), "objects")
		})
	}
}

// TestReadDelawareMemory measures what reading
// Delaware for civic assets allocates in all and the live heap every
// 65,536 objects (after a collection, so garbage does not count): the
// figures that show memory follows what is kept rather than the file. Of
// the live heap, 32 MB is the buffer osmpbf keeps for the largest block a
// PBF may hold.
func TestReadDelawareMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("a measurement")
	}
	runtime.GC()
	var before, ms runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak, alloc uint64
	var samples int
	sample := func(Progress) {
		runtime.ReadMemStats(&ms)
		alloc += ms.TotalAlloc - before.TotalAlloc // GC below allocates nothing of Read's
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before.TotalAlloc = ms.TotalAlloc
		peak = max(peak, ms.HeapAlloc)
		samples++
	}
	_, st := readAll(t, File(dataPath(t, "delaware-latest.osm.pbf")), "delaware-latest.osm.pbf", Options{Progress: sample})
	t.Logf("read %d objects in %d passes, kept %d: %.0f MB allocated; live heap at most %.1f MB over %d samples",
		st.Nodes+st.Ways+st.Relations, st.Passes, st.Kept, float64(alloc)/1e6, float64(peak)/1e6, samples)
	// Measured 37-67 MB, 32 of them osmpbf's block buffer. Holding every
	// node of the file (724,000, as a reader without passes would) adds
	// far more than the margin left here.
	if samples == 0 || peak > 128<<20 {
		t.Errorf("live heap peaked at %.1f MB over %d samples; reading should hold only what it keeps", float64(peak)/1e6, samples)
	}
}
