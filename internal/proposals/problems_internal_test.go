package proposals

import (
	"context"
	"testing"

	"github.com/paulmach/orb/planar"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/storetest"
)

// TestProblemKept: a proposal's problem is built once and kept across
// moves (what makes a move fast), built again for other parameters; the
// areas kept after a move are those a fresh service draws.
func TestProblemKept(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := storetest.ProposalFixture(ctx, st); err != nil {
		t.Fatal(err)
	}
	svc := NewService(st, reconcile.NewService(st, 8), 2)
	builds := 0
	svc.Gate = func(context.Context) (func(), error) { builds++; return func() {}, nil }
	p, _, err := svc.Create(ctx, New{Slug: "shared", Title: "Shared", Params: Params{Blocks: "blocks", Fit: []string{"halves"}, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	params, err := ParamsOf(p)
	if err != nil {
		t.Fatal(err)
	}
	first, err := svc.problemOf(ctx, p.Slug, params, true)
	if err != nil {
		t.Fatal(err)
	}
	east := p.Assignment["c2r1"]
	m, err := svc.Move(ctx, p.Slug, "c1r1", east, p.Version)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := svc.problemOf(ctx, p.Slug, params, true); again != first || builds != 1 {
		t.Errorf("after a move: problem kept %v, gate taken %d times (want 1: the create)", again == first, builds)
	}
	kept, v, err := svc.Areas(ctx, p.Slug)
	if err != nil || v != m.Version || builds != 1 {
		t.Fatalf("areas: version %d (want %d), gate %d times (want 1: drawn areas kept), %v", v, m.Version, builds, err)
	}
	fresh, _, err := NewService(st, reconcile.NewService(st, 8), 2).Areas(ctx, p.Slug)
	if err != nil {
		t.Fatal(err)
	}
	for i := range fresh {
		if kept[i].Code != fresh[i].Code || planar.Area(kept[i].Geometry) != planar.Area(fresh[i].Geometry) ||
			kept[i].Properties["blocks"] != fresh[i].Properties["blocks"] {
			t.Errorf("area %s kept %v, drawn afresh %v", fresh[i].Code, kept[i].Properties, fresh[i].Properties)
		}
	}
	if !planar.MultiPolygonContains(areaOf(kept, east).Geometry, [2]float64{-1.5 + 0.0625*1.5, 53.25 + 0.0625*1.5}) {
		t.Errorf("the kept east area does not hold the moved block c1r1")
	}
	params.Seed = 2
	if other, _ := svc.problemOf(ctx, p.Slug, params, true); other == first || builds != 2 {
		t.Errorf("other params: a new problem %v, gate taken %d times (want 2)", other != first, builds)
	}
}

func areaOf(areas []place.Area, code string) place.Area {
	for _, a := range areas {
		if a.Code == code {
			return a
		}
	}
	return place.Area{}
}
