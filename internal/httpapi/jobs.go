package httpapi

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/placemap/placemap/internal/place"
)

// Background work (access runs) outlives the request that asked for it:
// jobs runs it on a context of its own, cancelled when the server closes,
// one job at a time per server.

// Heartbeats of a running job, and when a run whose heartbeat stopped is
// taken to be interrupted.
const (
	progressEvery  = 500 * time.Millisecond // counts within a stage are written at most this often
	heartbeatEvery = 20 * time.Second       // a running job's row is touched at least this often
	staleAfter     = 3 * heartbeatEvery     // a running row untouched this long was left by a process that stopped
)

// jobs runs background jobs one at a time.
type jobs struct {
	ctx    context.Context // cancelled by close
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	busy   string // the id of the job under way; "" for none
	closed bool
	log    *slog.Logger
}

func newJobs(log *slog.Logger) *jobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &jobs{ctx: ctx, cancel: cancel, log: log}
}

// start runs fn in the background under the id given, with a context
// cancelled when the server closes, once prepare (run first, on the
// caller's goroutine: e.g. keeping the job's row) succeeds; EUNAVAILABLE
// (503 with Retry-After) while another job runs or once the server is
// closing, and prepare's error when it fails.
func (j *jobs) start(id string, prepare func() error, fn func(ctx context.Context)) error {
	j.mu.Lock()
	switch {
	case j.closed:
		j.mu.Unlock()
		return place.Errorf(place.EUNAVAILABLE, "the server is shutting down")
	case j.busy != "":
		busy := j.busy
		j.mu.Unlock()
		return place.Errorf(place.EUNAVAILABLE, "an access run (%s) is under way; one runs at a time: try again when it is done", busy)
	}
	j.busy = id
	j.wg.Add(1)
	j.mu.Unlock()
	done := func() {
		j.mu.Lock()
		j.busy = ""
		j.mu.Unlock()
		j.wg.Done()
	}
	if err := prepare(); err != nil {
		done()
		return err
	}
	go func() {
		defer done()
		fn(j.ctx)
	}()
	return nil
}

// running is the id of the job under way, "" for none.
func (j *jobs) running() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.busy
}

// close cancels the job under way, refuses new ones, and waits for the
// job to return.
func (j *jobs) close() {
	j.mu.Lock()
	j.closed = true
	j.mu.Unlock()
	j.cancel()
	j.wg.Wait()
}

// progressWriter records a job's progress: a new stage at once, counts
// within a stage at most every progressEvery, and the last progress again
// every heartbeatEvery while the job runs (a heartbeat: a search may say
// nothing for minutes). Its write errors are logged, never fatal.
type progressWriter struct {
	write func(ctx context.Context, stage string, done, total int64) error
	log   *slog.Logger
	now   func() time.Time
	mu    sync.Mutex
	stage string
	done  int64
	total int64
	last  time.Time
	stop  chan struct{}
	ended chan struct{}
}

// newProgressWriter starts the heartbeat; end stops it.
func newProgressWriter(ctx context.Context, log *slog.Logger, write func(ctx context.Context, stage string, done, total int64) error) *progressWriter {
	p := &progressWriter{write: write, log: log, now: time.Now, stop: make(chan struct{}), ended: make(chan struct{})}
	go p.heartbeat(ctx)
	return p
}

// progress is an access.Progress.
func (p *progressWriter) progress(ctx context.Context) func(stage string, done, total int) {
	return func(stage string, done, total int) {
		p.mu.Lock()
		defer p.mu.Unlock()
		now := p.now()
		changed := stage != p.stage
		p.stage, p.done, p.total = stage, int64(done), int64(total)
		if changed || now.Sub(p.last) >= progressEvery || (total > 0 && done >= total) {
			p.flushLocked(ctx, now)
		}
	}
}

func (p *progressWriter) flushLocked(ctx context.Context, now time.Time) {
	p.last = now
	if err := p.write(ctx, p.stage, p.done, p.total); err != nil && ctx.Err() == nil {
		p.log.Warn("access run progress", "err", err)
	}
}

func (p *progressWriter) heartbeat(ctx context.Context) {
	defer close(p.ended)
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-ctx.Done():
			return
		case now := <-t.C:
			p.mu.Lock()
			p.flushLocked(ctx, now)
			p.mu.Unlock()
		}
	}
}

// end stops the heartbeat and waits for it.
func (p *progressWriter) end() {
	close(p.stop)
	<-p.ended
}
