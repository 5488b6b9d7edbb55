package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync/atomic"
	"testing"
	"time"
)

// waitQueued waits until n callers wait in s.
func waitQueued(t *testing.T, s *scheduler, n int) {
	t.Helper()
	for range 2000 {
		s.mu.Lock()
		q := 0
		for _, w := range s.waiting {
			q += len(w)
		}
		s.mu.Unlock()
		if q == n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("never %d waiting", n)
}

// TestSchedulerOrder: with every place taken, waiters are admitted first
// by priority (renders before reads), then in the order they came.
func TestSchedulerOrder(t *testing.T) {
	cases := []struct {
		name     string
		capacity int
		arrive   []priority
		want     []int // arrival indexes, in the order admitted
	}{
		{"one place, reads then renders", 1, []priority{readWork, readWork, renderWork, renderWork}, []int{2, 3, 0, 1}},
		{"one place, interleaved", 1, []priority{renderWork, readWork, renderWork, readWork}, []int{0, 2, 1, 3}},
		{"two places, reads only", 2, []priority{readWork, readWork, readWork}, []int{0, 1, 2}},
		{"renders only", 1, []priority{renderWork, renderWork}, []int{0, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newScheduler(c.capacity)
			var held []func()
			for range c.capacity {
				release, err := s.admit(context.Background(), readWork)
				if err != nil {
					t.Fatal(err)
				}
				held = append(held, release)
			}
			// Each admitted waiter reports and keeps its place: the test
			// frees one place at a time, so one waiter is admitted at a time.
			type admitted struct {
				i       int
				release func()
			}
			in := make(chan admitted)
			for i, p := range c.arrive {
				go func() {
					release, err := s.admit(context.Background(), p)
					if err != nil {
						t.Error(err)
						close(in)
						return
					}
					in <- admitted{i, release}
				}()
				waitQueued(t, s, i+1) // arrivals in order
			}
			var got []int
			for range c.arrive {
				held[0]()
				a, ok := <-in
				if !ok {
					t.FailNow()
				}
				got = append(got, a.i)
				held = append(held[1:], a.release)
			}
			for _, release := range held {
				release()
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("admitted %v, want %v", got, c.want)
			}
			if s.free != c.capacity {
				t.Errorf("%d places free after, want %d", s.free, c.capacity)
			}
		})
	}
}

// TestSchedulerCancelled: a waiter whose request ends leaves the queue
// without taking a place; one admitted is not held while it is not
// waiting.
func TestSchedulerCancelled(t *testing.T) {
	s := newScheduler(1)
	release, err := s.admit(context.Background(), readWork)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := s.admit(ctx, renderWork)
		done <- err
	}()
	waitQueued(t, s, 1)
	cancel()
	if err := <-done; err == nil {
		t.Fatal("a cancelled waiter was admitted")
	}
	waitQueued(t, s, 0)
	release()
	if s.free != 1 {
		t.Errorf("%d places free, want 1", s.free)
	}
	// And the place is there for the next.
	r2, err := s.admit(context.Background(), readWork)
	if err != nil {
		t.Fatal(err)
	}
	r2()
}

// TestReadsScheduled: an API read holds a place while it runs and gives
// it back after, once even if it left early for heavy work (which has its
// own bound); writes take none.
func TestReadsScheduled(t *testing.T) {
	cases := []struct {
		method     string
		leaves     bool // calls leaveScheduler, as Server.expensive does
		writes     bool // has begun its body (a slow client then holds no place)
		wantInside int  // places free while the handler runs
	}{
		{http.MethodGet, false, false, 0},
		{http.MethodHead, false, false, 0},
		{http.MethodGet, true, false, 1},
		{http.MethodGet, false, true, 1},
		{http.MethodPost, false, false, 1},
		{http.MethodDelete, false, false, 1},
	}
	for _, c := range cases {
		s := &Server{work: newScheduler(1)}
		inside := -1
		h := s.scheduledReads(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if c.leaves {
				leaveScheduler(r.Context())
				leaveScheduler(r.Context())
			}
			if c.writes {
				_, _ = w.Write([]byte("{"))
				_, _ = w.Write([]byte("}"))
			}
			inside = s.work.free
		}))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(c.method, "/api/assets", nil))
		if inside != c.wantInside {
			t.Errorf("%s (leaves %v, writes %v): %d places free inside, want %d", c.method, c.leaves, c.writes, inside, c.wantInside)
		}
		if s.work.free != 1 {
			t.Errorf("%s (leaves %v): %d places free after, want 1", c.method, c.leaves, s.work.free)
		}
	}
}

// TestReadsWaitingTimeOut: a read whose time runs out while it waits for a
// place is answered 503 with Retry-After, and one whose client left gets
// nothing written; neither runs the handler.
func TestReadsWaitingTimeOut(t *testing.T) {
	cases := []struct {
		name   string
		end    func(context.Context) (context.Context, context.CancelFunc)
		status int
	}{
		{"time ran out", func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, 20*time.Millisecond)
		}, http.StatusServiceUnavailable},
		{"client left", func(ctx context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(ctx)
			time.AfterFunc(20*time.Millisecond, cancel)
			return ctx, cancel
		}, http.StatusOK}, // the recorder's default: nothing written
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &Server{work: newScheduler(1), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			release, err := s.work.admit(context.Background(), readWork)
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			ran := false
			h := s.scheduledReads(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { ran = true }))
			ctx, cancel := c.end(context.Background())
			defer cancel()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/assets", nil).WithContext(ctx))
			if ran || rec.Code != c.status || (c.status == http.StatusServiceUnavailable) != (rec.Header().Get("Retry-After") != "") {
				t.Errorf("ran %v, status %d, Retry-After %q; want not run, %d", ran, rec.Code, rec.Header().Get("Retry-After"), c.status)
			}
		})
	}
}

// TestReadsMakeWayForWrites: while the store writes, API reads take no
// more than readsWhileWriting places, free places or not; renders are
// admitted as before; once the writes end, a place given back admits the
// reads waiting, and every place comes back.
func TestReadsMakeWayForWrites(t *testing.T) {
	var writing atomic.Bool
	writing.Store(true)
	s := newScheduler(4)
	s.writing, s.readsWhileWriting = writing.Load, 1
	ctx := context.Background()
	read1, err := s.admit(ctx, readWork)
	if err != nil {
		t.Fatal(err)
	}
	admitted := make(chan func())
	for range 2 {
		go func() {
			release, err := s.admit(ctx, readWork)
			if err != nil {
				t.Error(err)
			}
			admitted <- release
		}()
	}
	waitQueued(t, s, 2)
	render, err := s.admit(ctx, renderWork)
	if err != nil {
		t.Fatal("a render waited behind reads held back for writes")
	}
	render()
	select {
	case <-admitted:
		t.Fatal("a second read admitted while the store writes")
	case <-time.After(20 * time.Millisecond):
	}
	writing.Store(false)
	read1()
	for range 2 {
		select {
		case release := <-admitted:
			defer release()
		case <-time.After(2 * time.Second):
			t.Fatal("reads still held back once the writes ended")
		}
	}
	t.Cleanup(func() {
		if s.free != 4 || s.reads != 0 {
			t.Errorf("after: %d places free, %d reads admitted; want 4, 0", s.free, s.reads)
		}
	})
}
