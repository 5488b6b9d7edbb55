package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// networksReplaced: with no network, Network says ENOTFOUND with the
// import hint; a network is read back byte for byte with its report; a
// second import of the mode replaces it, the other mode is left alone; a
// refused one (empty graph, bad report, bad mode) keeps the old.
func networksReplaced(t *testing.T, st *store.DB) {
	ctx := context.Background()
	_, err := st.Network(ctx, "walk")
	wantCode(t, err, place.ENOTFOUND)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("placemap import network")) {
		t.Errorf("error %v names no import", err)
	}
	blob := make([]byte, 70000)
	for i := range blob {
		blob[i] = byte(i * 7)
	}
	first := store.Network{Mode: "walk", Source: "a.osm.pbf", Report: json.RawMessage(`{"ways":3}`), Graph: blob}
	if err := st.ReplaceNetwork(ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := st.ReplaceNetwork(ctx, store.Network{Mode: "cycle", Source: "c.osm", Report: json.RawMessage(`{}`), Graph: []byte{1}}); err != nil {
		t.Fatal(err)
	}
	second := store.Network{Mode: "walk", Source: "b.osm.pbf", Report: json.RawMessage(`{"ways":4}`), Graph: []byte{0, 1, 2, 255}}
	if err := st.ReplaceNetwork(ctx, second); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []store.Network{
		{Mode: "walk", Source: "x", Report: json.RawMessage(`{}`)},
		{Mode: "walk", Source: "x", Report: json.RawMessage(`{`), Graph: []byte{1}},
		{Mode: "drive", Source: "x", Report: json.RawMessage(`{}`), Graph: []byte{1}},
	} {
		wantCode(t, st.ReplaceNetwork(ctx, bad), place.EINVALID)
	}
	got, err := st.Network(ctx, "walk")
	if err != nil || got.Source != "b.osm.pbf" || !bytes.Equal(got.Graph, second.Graph) || string(got.Report) != `{"ways":4}` || got.BuiltAt.IsZero() {
		t.Fatalf("walk network = %+v, %v", got, err)
	}
	info, err := st.NetworkInfo(ctx, "walk")
	if err != nil || info.Source != "b.osm.pbf" || info.Graph != nil {
		t.Fatalf("walk info = %+v, %v", info, err)
	}
	if got, err := st.Network(ctx, "cycle"); err != nil || got.Source != "c.osm" {
		t.Fatalf("cycle network = %+v, %v", got, err)
	}
	if err := st.ReplaceNetwork(ctx, first); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Network(ctx, "walk"); err != nil || !bytes.Equal(got.Graph, blob) {
		t.Fatalf("large graph read back %d bytes, %v", len(got.Graph), err)
	}
}

// indicatorsReplaced: ReplaceIndicators replaces an indicator's values
// whole (a code no longer given loses its value), leaves other indicators,
// and a refused replacement keeps the old.
func indicatorsReplaced(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	pop := []place.Indicator{{Name: "population", Title: "People", Kind: "count"}}
	if err := st.ImportIndicators(ctx, "grid", pop, map[string]map[string]float64{"population": {"A1": 10}}); err != nil {
		t.Fatal(err)
	}
	walk := []place.Indicator{{Name: "walk_minutes_to_library", Title: "Walk", Kind: "rate", Source: "first"}}
	if err := st.ReplaceIndicators(ctx, "grid", walk, map[string]map[string]float64{"walk_minutes_to_library": {"A1": 3, "B2": 4}}); err != nil {
		t.Fatal(err)
	}
	walk[0].Source = "second"
	if err := st.ReplaceIndicators(ctx, "grid", walk, map[string]map[string]float64{"walk_minutes_to_library": {"B2": 9}}); err != nil {
		t.Fatal(err)
	}
	err := st.ReplaceIndicators(ctx, "grid", walk, map[string]map[string]float64{"walk_minutes_to_library": {"Z9": 1}})
	wantCode(t, err, place.EINVALID)
	v, err := st.IndicatorValues(ctx, "grid", "walk_minutes_to_library")
	if err != nil || len(v) != 1 || v["B2"] != 9 {
		t.Fatalf("values = %v, %v", v, err)
	}
	inds, err := st.Indicators(ctx, "grid")
	if err != nil || len(inds) != 2 || inds[1].Source != "second" {
		t.Fatalf("indicators = %+v, %v", inds, err)
	}
	if v, _ := st.IndicatorValues(ctx, "grid", "population"); v["A1"] != 10 {
		t.Fatalf("population = %v", v)
	}
	wantCode(t, st.ReplaceIndicators(ctx, "nope", walk, nil), place.ENOTFOUND)
}
