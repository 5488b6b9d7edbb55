package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// proposalOfGrid is a proposal over the grid's four blocks: the west column
// is area p-1, the east p-2; and the set it publishes first.
func proposalOfGrid() (place.SetProposal, place.BoundarySet, []place.Area) {
	p := place.SetProposal{Slug: "shared", Title: "Shared", Kind: place.Community, Blocks: "grid", Series: "shared",
		Params:     json.RawMessage(`{"blocks":"grid","fit":["grid"]}`),
		Assignment: map[string]string{"A1": "p-1", "A2": "p-1", "B1": "p-2", "B2": "p-2"},
		Names:      map[string]string{"p-1": "West", "p-2": "East"}, Report: json.RawMessage(`{"overall":0.5}`), Areas: 2, Overall: 0.5}
	set := place.BoundarySet{Slug: "shared", Title: "Shared", Kind: place.Community, ReleaseDate: "2026-12-05"}
	return p, set, proposalAreas(p)
}

// proposalAreas are the areas of a grid proposal's draft: each the squares
// of its blocks (rows stacked, so a column is one rectangle).
func proposalAreas(p place.SetProposal) []place.Area {
	var out []place.Area
	for _, code := range []string{"p-1", "p-2", "p-3"} {
		var a place.Area
		for _, b := range Grid() {
			if p.Assignment[b.Code] == code {
				a.Geometry = append(a.Geometry, b.Geometry...)
			}
		}
		if a.Geometry != nil {
			a.Code, a.Name = code, p.Names[code]
			out = append(out, a)
		}
	}
	return out
}

// setProposals: a proposal is kept with its first published set in one
// write; its draft changes only at the version read (ECONFLICT when
// stale); each publish is a release of its series with successor links,
// refused whole when anything in it is wrong.
func setProposals(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	p, set, areas := proposalOfGrid()
	got, err := st.CreateSetProposal(ctx, p, set, areas)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 1 || got.Status != place.ProposalPublished || !slices.Equal(got.Published, []string{"shared"}) {
		t.Errorf("created = version %d, status %q, published %v", got.Version, got.Status, got.Published)
	}
	read, err := st.SetProposal(ctx, "shared")
	if err != nil {
		t.Fatal(err)
	}
	if read.Title != "Shared" || read.Kind != place.Community || read.Blocks != "grid" || read.Assignment["B2"] != "p-2" ||
		read.Names["p-1"] != "West" || read.Areas != 2 || read.Overall != 0.5 || read.Series != "shared" || read.CreatedAt.IsZero() {
		t.Errorf("read = %+v", read)
	}
	var params map[string]any
	if err := json.Unmarshal(read.Params, &params); err != nil || params["blocks"] != "grid" {
		t.Errorf("params = %s (%v)", read.Params, err)
	}
	if ss, err := st.Set(ctx, "shared"); err != nil || ss.AreaCount != 2 || ss.Series != "shared" {
		t.Errorf("published set = %+v, %v", ss, err)
	}
	_, err = st.SetProposal(ctx, "nothing")
	wantCode(t, err, place.ENOTFOUND)
	setProposalsRefused(t, st)
	v := setProposalsUpdate(t, st, read)
	setProposalsPublish(t, st, v)
}

// setProposalsRefused: a taken slug or series, or a draft breaking a rule,
// writes nothing.
func setProposalsRefused(t *testing.T, st *store.DB) {
	ctx := context.Background()
	p, set, areas := proposalOfGrid()
	_, err := st.CreateSetProposal(ctx, p, place.BoundarySet{Slug: "other", Title: "Other", Kind: place.Community}, areas)
	wantCode(t, err, place.ECONFLICT)
	p.Slug = "other"
	_, err = st.CreateSetProposal(ctx, p, place.BoundarySet{Slug: "other", Title: "Other", Kind: place.Community}, areas)
	wantCode(t, err, place.ECONFLICT) // series "shared" is taken
	p.Series = "other"
	_, err = st.CreateSetProposal(ctx, p, set, areas)
	wantCode(t, err, place.ECONFLICT) // set "shared" is taken
	bad := p
	bad.Assignment = nil
	_, err = st.CreateSetProposal(ctx, bad, place.BoundarySet{Slug: "other", Title: "Other", Kind: place.Community}, areas)
	wantCode(t, err, place.EINVALID)
	bad = p
	bad.Names = map[string]string{"p-9": "Nowhere"}
	_, err = st.CreateSetProposal(ctx, bad, place.BoundarySet{Slug: "other", Title: "Other", Kind: place.Community}, areas)
	wantCode(t, err, place.EINVALID)
	for _, slug := range []string{"other"} {
		if _, err := st.Set(ctx, slug); place.ErrorCode(err) != place.ENOTFOUND {
			t.Errorf("set %s after refused creates: %v", slug, err)
		}
		if _, err := st.SetProposal(ctx, slug); place.ErrorCode(err) != place.ENOTFOUND {
			t.Errorf("proposal %s after refused creates: %v", slug, err)
		}
	}
	all, err := st.SetProposals(ctx)
	if err != nil || len(all) != 1 || all[0].Slug != "shared" || all[0].Assignment != nil || all[0].Areas != 2 {
		t.Errorf("SetProposals = %+v, %v", all, err)
	}
}

// setProposalsUpdate moves block B1 to a third area and renames it, at
// version 1; again at version 1 is stale. It returns the new version.
func setProposalsUpdate(t *testing.T, st *store.DB, p place.SetProposal) int64 {
	ctx := context.Background()
	p.Assignment["B1"] = "p-3"
	p.Names["p-3"] = "South East"
	p.Areas, p.Overall, p.Report = 3, 0.75, json.RawMessage(`{"overall":0.75}`)
	v, err := st.UpdateSetProposal(ctx, p, 1)
	if err != nil || v != 2 {
		t.Fatalf("update = %d, %v; want version 2", v, err)
	}
	_, err = st.UpdateSetProposal(ctx, p, 1)
	wantCode(t, err, place.ECONFLICT)
	missing := p
	missing.Slug = "nothing"
	_, err = st.UpdateSetProposal(ctx, missing, 2)
	wantCode(t, err, place.ENOTFOUND)
	bad := p
	bad.Assignment = map[string]string{"A1": ""}
	_, err = st.UpdateSetProposal(ctx, bad, 2)
	wantCode(t, err, place.EINVALID)
	read, err := st.SetProposal(ctx, "shared")
	if err != nil {
		t.Fatal(err)
	}
	if read.Version != 2 || read.Status != place.ProposalDraft || read.Assignment["B1"] != "p-3" || read.Names["p-3"] != "South East" ||
		read.Areas != 3 || read.Overall != 0.75 || string(read.Report) == "" {
		t.Errorf("after update = %+v", read)
	}
	return v
}

// setProposalsPublish publishes the changed draft as the series' second
// release, with successor links from the first; a stale version, another
// series or a taken set slug write nothing.
func setProposalsPublish(t *testing.T, st *store.DB, v int64) {
	ctx := context.Background()
	p, err := st.SetProposal(ctx, "shared")
	if err != nil {
		t.Fatal(err)
	}
	areas := proposalAreas(p)
	set := place.BoundarySet{Slug: "shared-2", Title: "Shared 2", Kind: place.Community, ReleaseDate: "2026-12-06"}
	links := []place.Successor{
		{OldSet: "shared", OldCode: "p-1", NewSet: "shared-2", NewCode: "p-1", ShareOfOld: 1, ShareOfNew: 1, IoU: 1, Status: place.LinkComputed},
		{OldSet: "shared", OldCode: "p-2", NewSet: "shared-2", NewCode: "p-2", ShareOfOld: 0.5, ShareOfNew: 1, IoU: 0.5, Status: place.LinkComputed},
		{OldSet: "shared", OldCode: "p-2", NewSet: "shared-2", NewCode: "p-3", ShareOfOld: 0.5, ShareOfNew: 1, IoU: 0.5, Status: place.LinkComputed},
	}
	rel := place.Release{Series: "shared", Current: true, Successors: links}
	_, err = st.PublishSetProposal(ctx, "shared", v-1, set, areas, rel)
	wantCode(t, err, place.ECONFLICT)
	_, err = st.PublishSetProposal(ctx, "shared", v, set, areas, place.Release{Series: "grid-series", Current: true})
	wantCode(t, err, place.EINVALID)
	_, err = st.PublishSetProposal(ctx, "shared", v, place.BoundarySet{Slug: "grid", Title: "Taken", Kind: place.Community}, areas, place.Release{Series: "shared", Current: true})
	wantCode(t, err, place.ECONFLICT)
	if _, err := st.Set(ctx, "shared-2"); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("set shared-2 after refused publishes: %v", err)
	}
	got, err := st.PublishSetProposal(ctx, "shared", v, set, areas, rel)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != v+1 || got.Status != place.ProposalPublished || !slices.Equal(got.Published, []string{"shared", "shared-2"}) {
		t.Errorf("published = version %d, status %q, published %v", got.Version, got.Status, got.Published)
	}
	series, err := st.Series(ctx)
	if err != nil || len(series) != 1 || series[0].Current != "shared-2" || !slices.Equal(series[0].Releases, []string{"shared", "shared-2"}) {
		t.Errorf("series = %+v, %v", series, err)
	}
	succ, err := st.Successors(ctx, store.SuccessorQuery{OldSet: "shared", OldCode: "p-2"})
	if err != nil || len(succ) != 2 {
		t.Errorf("successors of shared p-2 = %+v, %v", succ, err)
	}
	if ss, err := st.Set(ctx, "shared-2"); err != nil || ss.AreaCount != 3 {
		t.Errorf("set shared-2 = %+v, %v", ss, err)
	}
}

// ProposalFixture imports what a set proposal is built from in tests: a
// 4 × 4 grid of blocks ("blocks", codes c<col>r<row>, 100 people each by
// their "population" indicator) and a set to fit ("halves": W, the west
// two columns, and E, the east two).
func ProposalFixture(ctx context.Context, st *store.DB) error {
	var blocks []place.Area
	pop := map[string]float64{}
	for col := range 4 {
		for row := range 4 {
			code := fmt.Sprintf("c%dr%d", col, row)
			blocks = append(blocks, place.Area{Code: code, Name: "Block " + code, Geometry: Square(-1.5+0.0625*float64(col), 53.25+0.0625*float64(row), 0.0625)})
			pop[code] = 100
		}
	}
	if _, err := st.ImportSet(ctx, place.BoundarySet{Slug: "blocks", Title: "Blocks", Kind: place.Statistical}, blocks); err != nil {
		return err
	}
	if err := st.ImportIndicators(ctx, "blocks", []place.Indicator{{Name: "population", Title: "People", Kind: "count"}},
		map[string]map[string]float64{"population": pop}); err != nil {
		return err
	}
	rect := func(x0, x1 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x0, 53.25}, {x1, 53.25}, {x1, 53.5}, {x0, 53.5}, {x0, 53.25}}}}
	}
	halves := []place.Area{{Code: "W", Name: "West", Geometry: rect(-1.5, -1.375)}, {Code: "E", Name: "East", Geometry: rect(-1.375, -1.25)}}
	_, err := st.ImportSet(ctx, place.BoundarySet{Slug: "halves", Title: "Halves", Kind: place.Community}, halves)
	return err
}
