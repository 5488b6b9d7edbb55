package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/network"
	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// gridOSM is an OSM XML file of residential streets on a lattice: cols×rows
// nodes step degrees apart from (x0, y0), a street along every row and
// column, except the rows skip names (0-based).
func gridOSM(x0, y0, step float64, cols, rows int, skip ...int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<osm version="0.6" generator="test">` + "\n")
	id := func(i, j int) int { return 1 + j*cols + i }
	for j := 0; j < rows; j++ {
		for i := 0; i < cols; i++ {
			fmt.Fprintf(&b, `<node id="%d" version="1" lat="%.7f" lon="%.7f"/>`+"\n", id(i, j), y0+step*float64(j), x0+step*float64(i))
		}
	}
	way := 1
	street := func(nodes []int) {
		fmt.Fprintf(&b, `<way id="%d" version="1">`, way)
		for _, n := range nodes {
			fmt.Fprintf(&b, `<nd ref="%d"/>`, n)
		}
		b.WriteString(`<tag k="highway" v="residential"/></way>` + "\n")
		way++
	}
rows:
	for j := 0; j < rows; j++ {
		for _, s := range skip {
			if s == j {
				continue rows
			}
		}
		var nodes []int
		for i := 0; i < cols; i++ {
			nodes = append(nodes, id(i, j))
		}
		street(nodes)
	}
	for i := 0; i < cols; i++ {
		var nodes []int
		for j := 0; j < rows; j++ {
			nodes = append(nodes, id(i, j))
		}
		street(nodes)
	}
	b.WriteString("</osm>\n")
	return b.String()
}

// importNetwork builds a walking network from an OSM XML file and keeps
// it in st as built then.
func importNetwork(t *testing.T, st *store.DB, xml, name string, built time.Time) network.Report {
	t.Helper()
	ctx := context.Background()
	g, rep, err := network.Build(ctx, osm.Bytes([]byte(xml)), name, network.Options{Mode: network.Walk})
	if err != nil {
		t.Fatal(err)
	}
	bin, err := g.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	report, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.ReplaceNetwork(ctx, store.Network{Mode: "walk", Source: name, BuiltAt: built, Report: report, Graph: bin}); err != nil {
		t.Fatal(err)
	}
	return rep
}

// The streets of the walking tests: 36 × 11 nodes 0.002° apart from
// (-1.46, 53.29), a street along latitude 53.3 (row 5) among them.
const (
	streetX0, streetY0, streetStep = -1.46, 53.29, 0.002
	streetCols, streetRows         = 36, 11
)

type walkOut struct {
	Assets []struct {
		ID      string
		Metres  int `json:"distance_m"`
		Walking *struct {
			Metres  int
			Minutes float64
		}
	}
	Order, Note string
}

// TestNetworkAndPostcodeWalking: without a network /api/network is 404 and
// a postcode's nearest assets have walking null; with one, the network is
// described and each asset within 5 km has its walk, never shorter than the
// straight line; a network imported again (without the street the walk
// took) is read again.
func TestNetworkAndPostcodeWalking(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		ctx := context.Background()
		srv := writeServer(t, st)
		if _, err := importer.Postcodes(ctx, st, strings.NewReader(postcodeFile), "onspd.csv", importer.PostcodeOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddAssets(ctx, []place.Asset{
			{ID: "far", Name: "Far Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.40, 53.3}, Source: "test"},
			{ID: "near", Name: "Near Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.449, 53.3}, Source: "test"},
			{ID: "beyond", Name: "Beyond Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.30, 53.3}, Source: "test"},
		}); err != nil {
			t.Fatal(err)
		}
		if res := get(t, srv.URL+"/api/network"); res.status != 404 || !strings.Contains(string(res.body), "placemap import network") {
			t.Errorf("no network: %d %s", res.status, res.body)
		}
		nearest := func() walkOut {
			t.Helper()
			var out walkOut
			res := get(t, srv.URL+"/api/postcodes/S80AB/nearest?category=library")
			if res.status != 200 || json.Unmarshal(res.body, &out) != nil || len(out.Assets) != 3 || out.Order != "straight_line" {
				t.Fatalf("nearest: %d %s", res.status, res.body)
			}
			return out
		}
		if out := nearest(); out.Assets[0].Walking != nil || !strings.Contains(out.Note, "no walking network") {
			t.Errorf("walking without a network: %+v", out)
		}
		built := store.Now()
		rep := importNetwork(t, st, gridOSM(streetX0, streetY0, streetStep, streetCols, streetRows), "grid.osm", built)
		networkDescribed(t, srv.URL, rep)
		out := nearest()
		if !strings.Contains(out.Note, "walking network") {
			t.Errorf("note: %s", out.Note)
		}
		for i, id := range []string{"near", "far"} {
			a := out.Assets[i]
			if a.ID != id || a.Walking == nil || a.Walking.Metres < a.Metres-1 || float64(a.Walking.Metres) > float64(a.Metres)*1.02+5 ||
				math.Abs(a.Walking.Minutes-float64(a.Walking.Metres)/80) > 0.06 {
				t.Errorf("asset %d (%s): %+v", i, id, a)
			}
		}
		if b := out.Assets[2]; b.ID != "beyond" || b.Walking != nil {
			t.Errorf("an asset beyond 5 km: %+v", b)
		}
		before := out.Assets[1].Walking.Metres
		importNetwork(t, st, gridOSM(streetX0, streetY0, streetStep, streetCols, streetRows, 5), "detour.osm", built.Add(time.Second))
		after := nearest().Assets[1].Walking
		if after == nil || after.Metres < before+200 {
			t.Errorf("walk to far after the street at 53.3 went: %+v, before %d m", after, before)
		}
	})
}

func networkDescribed(t *testing.T, base string, rep network.Report) {
	t.Helper()
	res := get(t, base+"/api/network")
	var got struct {
		Mode, Source          string
		BuiltAt               time.Time `json:"built_at"`
		Ways, Nodes, Edges    int
		Metres                float64
		LargestComponentShare float64 `json:"largest_component_share"`
		Bounds                []float64
	}
	if res.status != 200 || json.Unmarshal(res.body, &got) != nil || got.Mode != "walk" || got.Source != "grid.osm" || got.BuiltAt.IsZero() ||
		got.Ways != streetCols+streetRows || got.Nodes != rep.Nodes || got.Edges != rep.Edges || got.LargestComponentShare != 1 ||
		len(got.Bounds) != 4 || got.Bounds[0] != streetX0 || got.Metres < 1000 {
		t.Errorf("GET /api/network: %d %s", res.status, res.body)
	}
	if res := get(t, base+"/api/network?mode=cycle"); res.status != 404 {
		t.Errorf("no cycle network: %d %s", res.status, res.body)
	}
	if res := get(t, base+"/api/network?mode=drive"); res.status != 400 {
		t.Errorf("mode drive: %d %s", res.status, res.body)
	}
}
