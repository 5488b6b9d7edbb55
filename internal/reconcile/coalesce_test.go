package reconcile

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/storetest"
)

// slowAreas is a source of two grid sets whose area reads are slow and
// counted.
type slowAreas struct {
	Source
	reads atomic.Int64
}

func (s *slowAreas) Set(_ context.Context, slug string) (place.SetSummary, error) {
	return place.SetSummary{BoundarySet: place.BoundarySet{Slug: slug, CreatedAt: time.Unix(1, 0)}}, nil
}

func (s *slowAreas) Areas(_ context.Context, set string, q store.AreaQuery) ([]place.Area, error) {
	if q.Offset > 0 {
		return nil, nil
	}
	s.reads.Add(1)
	time.Sleep(100 * time.Millisecond)
	areas := storetest.Grid()
	for i := range areas {
		areas[i].Set = set
	}
	return areas, nil
}

// TestCrosswalkCoalesced: thirty clients asking at once for the same
// crosswalk cause one computation — each set's areas read once — and all
// get the same answer.
func TestCrosswalkCoalesced(t *testing.T) {
	src := &slowAreas{}
	svc := NewService(src, 4)
	var wg sync.WaitGroup
	got := make([]*Crosswalk, 30)
	for i := range got {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cw, err := svc.Crosswalk(context.Background(), "a", "b")
			if err != nil {
				t.Error(err)
			}
			got[i] = cw
		}(i)
	}
	wg.Wait()
	if n := src.reads.Load(); n != 2 {
		t.Errorf("the areas were read %d times for 30 concurrent requests, want 2 (one per set)", n)
	}
	for i := range got {
		if got[i] != got[0] {
			t.Fatalf("request %d got another crosswalk", i)
		}
	}
}

// TestCrosswalkCacheBudget: crosswalks are kept while they fit the byte
// budget; the oldest go first, and one larger than the budget is not kept.
func TestCrosswalkCacheBudget(t *testing.T) {
	src := &slowAreas{}
	probe, err := NewService(src, 8).Crosswalk(context.Background(), "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	size := SizeOf(probe)
	if size <= 0 {
		t.Fatalf("SizeOf = %d", size)
	}
	svc := NewServiceBudget(src, 8, 2*size+size/2) // room for two
	for _, k := range []string{"x", "y", "z"} {
		if _, err := svc.Crosswalk(context.Background(), "a", k); err != nil {
			t.Fatal(err)
		}
	}
	if len(svc.cache) != 2 || svc.held > svc.budget {
		t.Errorf("%d crosswalks holding %d of %d bytes, want 2 within the budget", len(svc.cache), svc.held, svc.budget)
	}
	tiny := NewServiceBudget(src, 8, size/2)
	if _, err := tiny.Crosswalk(context.Background(), "a", "b"); err != nil {
		t.Fatal(err)
	}
	if len(tiny.cache) != 0 {
		t.Errorf("a crosswalk over the whole budget was kept")
	}
}
