package postgis_test

import (
	"context"
	"io"
	"log/slog"
	"syscall"
	"testing"
	"time"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/postgis"
	"github.com/placemap/placemap/internal/store/storetest"
	"github.com/placemap/placemap/internal/testkit"
)

// BenchmarkSearch: /api/search's store work and ranking on the demo.
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	st, err := postgis.Open(ctx, testkit.PostGISDatabaseURL(b), postgis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := demo.Load(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		b.Fatal(err)
	}
	storetest.BenchSearch(b, st)
}

// BenchmarkDataVersion: what one request's data version costs, from
// memory (the listener's) and read (a client that wrote lately, or the
// store before LISTEN/NOTIFY, one round trip), through a streaming
// replica; from memory on the primary alone. cpu-ns/op is this
// process's CPU (the server's is not counted).
func BenchmarkDataVersion(b *testing.B) {
	primary := testkit.NewCluster(b)
	replica := primary.NewReplica()
	ctx := context.Background()
	for _, c := range []struct {
		name string
		opts postgis.Options
	}{{"primary", postgis.Options{}}, {"replica", postgis.Options{ReadURLs: []string{replica.URL()}, MaxReplicaLag: time.Hour, ReplicaCheck: 50 * time.Millisecond}}} {
		st, err := postgis.Open(ctx, primary.URL(), c.opts)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		for _, from := range []struct {
			name  string
			after store.LSN
		}{{"memory", 0}, {"read", 1}} {
			b.Run(c.name+"/"+from.name, func(b *testing.B) {
				if c.opts.ReadURLs == nil && from.after > 0 {
					b.Skip("without replicas a session changes nothing")
				}
				waitFor(b, "the listener", func() bool { _, ok := postgis.ListenerVersion(st); return ok })
				time.Sleep(200 * time.Millisecond) // a replica check or two
				b.ReportAllocs()
				c0 := cpuTime()
				for b.Loop() {
					rctx := store.WithSession(ctx, store.NewSession(from.after))
					if c.opts.ReadURLs == nil {
						rctx = ctx
					}
					if _, err := st.DataVersion(rctx); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkWriteAssets: an editor's writes of one asset, and an import's,
// on the demo (storetest.BenchWriteAssets).
func BenchmarkWriteAssets(b *testing.B) {
	ctx := context.Background()
	st, err := postgis.Open(ctx, testkit.PostGISDatabaseURL(b), postgis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := demo.Load(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		b.Fatal(err)
	}
	storetest.BenchWriteAssets(b, st)
}
