package tiles

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placemap/placemap/internal/store"
)

// TestVersionGateReadsAfterArrival: a request never gets a version read
// that began before it arrived. The store's version moves at every read
// here, and each read records the version when it began; each request
// checks it got one at least as new as the version it saw on arrival.
func TestVersionGateReadsAfterArrival(t *testing.T) {
	var now atomic.Int64 // the store's version, moved by every write
	var reads atomic.Int64
	release := make(chan struct{})
	g := versionGate{read: func(ctx context.Context) (store.TileVersions, error) {
		v := now.Load()
		reads.Add(1)
		<-release
		return store.TileVersions{store.AllTiles: v}, nil
	}}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen := now.Add(1) // a write this client saw commit
			v, err := g.get(context.Background())
			if err != nil {
				errs <- err
				return
			}
			if v.Of() < seen {
				t.Errorf("got version %d, older than %d committed before the request", v.Of(), seen)
			}
		}()
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case release <- struct{}{}:
			case <-done:
				return
			}
		}
	}()
	wg.Wait()
	close(done)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := reads.Load(); n >= 64 {
		t.Logf("%d reads for 64 requests: none shared", n)
	}
}

// TestVersionGateSessionsReadTheirOwn: requests carrying a store.Session
// (reads from replicas) each read the version on their own copy, never
// one another's, however they arrive.
func TestVersionGateSessionsReadTheirOwn(t *testing.T) {
	release := make(chan struct{})
	g := versionGate{read: func(ctx context.Context) (store.TileVersions, error) {
		<-release
		return store.TileVersions{store.AllTiles: int64(store.SessionFrom(ctx).After())}, nil
	}}
	var wg sync.WaitGroup
	var arrived atomic.Int64
	for i := 1; i <= 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := store.WithSession(context.Background(), store.NewSession(store.LSN(i)))
			arrived.Add(1)
			if v, err := g.get(ctx); err != nil || v.Of() != int64(i) {
				t.Errorf("request of session %d got version %d (%v): another session's read", i, v.Of(), err)
			}
		}()
	}
	// All arrive while the first read waits (a moment for the last to
	// reach the gate); then the reads may answer.
	for arrived.Load() < 16 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case release <- struct{}{}:
			case <-done:
				return
			}
		}
	}()
	wg.Wait()
	close(done)
}
