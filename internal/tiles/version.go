package tiles

import (
	"context"
	"sync"

	"github.com/placemap/placemap/internal/store"
)

// versionGate shares reads of the store's tile versions between requests
// that arrive together, and only then: each request gets a version read
// that began after it arrived, so a client that saw its write commit never
// gets a tile of the data before it. Requests that come while a read is
// under way wait for the next one, which starts when that read ends and
// answers all of them. On PostgreSQL, where each read is a round trip,
// this turns many reads into one per round trip however many requests
// are in flight.
//
// A request with a store.Session (a store with read replicas) reads on
// its own: its session decides which copy it reads from, and the version
// must be that copy's. Shared, it would be another request's, read from
// a copy that may be behind this client's last write (an old tile under
// an old version) or ahead of the copy this request reads its tile from
// (old data cached under a new version).
type versionGate struct {
	read    func(ctx context.Context) (store.TileVersions, error)
	mu      sync.Mutex
	running bool
	pending *versionCall // the next read's waiters, gathering
}

type versionCall struct {
	done chan struct{}
	v    store.TileVersions
	err  error
}

// get returns tile versions read after it was called.
func (g *versionGate) get(ctx context.Context) (store.TileVersions, error) {
	if store.SessionFrom(ctx) != nil {
		return g.read(ctx)
	}
	g.mu.Lock()
	c := g.pending
	if c == nil {
		c = &versionCall{done: make(chan struct{})}
		g.pending = c
	}
	lead := !g.running
	if lead {
		g.running, g.pending = true, nil
	}
	g.mu.Unlock()
	if lead {
		g.run(context.WithoutCancel(ctx), c)
	}
	select {
	case <-c.done:
		return c.v, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// run reads the version for c's waiters, then starts the read for those
// who gathered meanwhile, if any.
func (g *versionGate) run(ctx context.Context, c *versionCall) {
	c.v, c.err = g.read(ctx)
	close(c.done)
	g.mu.Lock()
	next := g.pending
	g.pending = nil
	g.running = next != nil
	g.mu.Unlock()
	if next != nil {
		go g.run(ctx, next)
	}
}
