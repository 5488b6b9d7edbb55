package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
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
		wantInside int  // places free while the handler runs
	}{
		{http.MethodGet, false, 0},
		{http.MethodHead, false, 0},
		{http.MethodGet, true, 1},
		{http.MethodPost, false, 1},
		{http.MethodDelete, false, 1},
	}
	for _, c := range cases {
		s := &Server{work: newScheduler(1)}
		inside := -1
		h := s.scheduledReads(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if c.leaves {
				leaveScheduler(r.Context())
				leaveScheduler(r.Context())
			}
			inside = s.work.free
		}))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(c.method, "/api/assets", nil))
		if inside != c.wantInside {
			t.Errorf("%s (leaves %v): %d places free inside, want %d", c.method, c.leaves, inside, c.wantInside)
		}
		if s.work.free != 1 {
			t.Errorf("%s (leaves %v): %d places free after, want 1", c.method, c.leaves, s.work.free)
		}
	}
}
