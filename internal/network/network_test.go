package network

import (
	"bytes"
	"compress/gzip"
	"context"
	"maps"
	"math"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
)

// Segment lengths of testdata/grid.osm from PostGIS ST_Distance(geography):
// 0.001° of longitude at latitudes 53.380, 53.381 and 53.390, 0.001° of
// latitude from 53.380 and from 53.381, and the connector of point A.
const (
	e0  = 66.54628321
	e1  = 66.54472418
	e9  = 66.53069201
	n01 = 111.29342057
	n12 = 111.29343933
	cA  = 55.64670325
)

func build(t testing.TB, mode Mode) (*Graph, Report) {
	t.Helper()
	g, rep, err := Build(context.Background(), osm.File("testdata/grid.osm"), "grid.osm", Options{Mode: mode})
	if err != nil {
		t.Fatal(err)
	}
	return g, rep
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestBuild(t *testing.T) {
	tests := []struct {
		mode               Mode
		ways, nodes, edges int
		metres, largest    float64
		skipped            map[string]int
	}{
		{Walk, 5, 8, 6, 2*e0 + 2*e1 + n01 + n12 + n12 + e9, 2*e0 + 2*e1 + n01 + n12 + n12,
			map[string]int{"foot=no": 1, "motorway": 1, "access=private": 1, "proposed": 1}},
		// Cycle: the footway goes; the road with foot=no stays; 107 (oneway) is
		// a second edge between 6 and 9.
		{Cycle, 5, 7, 6, 2*e0 + n01 + n12 + n01 + n12 + n12 + e9, 2*e0 + n01 + n12 + n01 + n12 + n12,
			map[string]int{"highway=footway without bicycle=yes": 1, "motorway": 1, "access=private": 1, "proposed": 1}},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			_, rep := build(t, tt.mode)
			if rep.Ways != tt.ways || rep.Nodes != tt.nodes || rep.Edges != tt.edges || rep.Components != 2 {
				t.Errorf("ways, nodes, edges, components = %d, %d, %d, %d; want %d, %d, %d, 2", rep.Ways, rep.Nodes, rep.Edges, rep.Components, tt.ways, tt.nodes, tt.edges)
			}
			if !near(rep.Metres, tt.metres, 0.001) {
				t.Errorf("metres = %.4f, want %.4f (PostGIS sums)", rep.Metres, tt.metres)
			}
			if !near(rep.LargestComponentShare, tt.largest/tt.metres, 1e-9) {
				t.Errorf("largest share = %v, want %v", rep.LargestComponentShare, tt.largest/tt.metres)
			}
			if !maps.Equal(rep.Skipped, tt.skipped) {
				t.Errorf("skipped = %v, want %v", rep.Skipped, tt.skipped)
			}
			if rep.Source != "grid.osm" || rep.Mode != tt.mode {
				t.Errorf("source, mode = %q, %q", rep.Source, rep.Mode)
			}
		})
	}
}

// The same network from the file gzipped: Build reads what osm.Read reads.
func TestBuildGzip(t *testing.T) {
	raw, err := os.ReadFile("testdata/grid.osm")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	_, want := build(t, Walk)
	_, got, err := Build(context.Background(), osm.Bytes(buf.Bytes()), "grid.osm", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("gzipped: %+v\nplain: %+v", got, want)
	}
}

func TestBuildNoWay(t *testing.T) {
	xml := `<osm version="0.6"><node id="1" lat="1" lon="1"/><node id="2" lat="1.001" lon="1"/>
<way id="5"><nd ref="1"/><nd ref="2"/><tag k="highway" v="motorway"/></way></osm>`
	_, _, err := Build(context.Background(), osm.Bytes([]byte(xml)), "empty.osm", Options{})
	if place.ErrorCode(err) != place.EINVALID || !strings.Contains(err.Error(), "empty.osm") {
		t.Fatalf("err = %v, want EINVALID naming the file", err)
	}
	if _, err := ParseMode("bus"); place.ErrorCode(err) != place.EINVALID {
		t.Errorf("ParseMode(bus) = %v", err)
	}
}

func TestSnap(t *testing.T) {
	g, _ := build(t, Walk)
	tests := []struct {
		name        string
		p, on       orb.Point
		metres, off float64
	}{
		{"below row 0", orb.Point{-1.4695, 53.3795}, orb.Point{-1.4695, 53.380}, cA, e0 / 2},
		{"on a vertex", orb.Point{-1.470, 53.381}, orb.Point{-1.470, 53.381}, 0, -1},
		// Nearer the fragment (20-21) than the main network: placed on the main one.
		{"by the fragment", orb.Point{-1.4695, 53.3901}, orb.Point{-1.470, 53.382}, -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := g.Snap(tt.p)
			if !ok {
				t.Fatal("not snapped")
			}
			if !near(s.On[0], tt.on[0], 1e-9) || !near(s.On[1], tt.on[1], 1e-9) {
				t.Errorf("on = %v, want %v", s.On, tt.on)
			}
			if tt.metres >= 0 && !near(s.Metres, tt.metres, 0.001) {
				t.Errorf("metres = %v, want %v", s.Metres, tt.metres)
			}
			if tt.off >= 0 && !near(s.offset, tt.off, 0.001) {
				t.Errorf("offset = %v, want %v", s.offset, tt.off)
			}
		})
	}
	if _, ok := (&Graph{}).Snap(orb.Point{1, 1}); ok {
		t.Error("an empty graph snapped a point")
	}
}

// The sources of the search tests: A below row 0 (connector cA, halfway
// along edge 1-3), B on the middle of edge 6-9 (no connector).
func sources(t *testing.T, g *Graph) []Snap {
	t.Helper()
	a, _ := g.Snap(orb.Point{-1.4695, 53.3795})
	b, _ := g.Snap(orb.Point{-1.468, 53.3815})
	return []Snap{a, b}
}

func TestNearest(t *testing.T) {
	g, _ := build(t, Walk)
	dist1 := cA + e0/2    // vertex 1 to A
	dist4 := 2*e1 + n12/2 // vertex 4 to B
	tests := []struct {
		name   string
		max    float64
		p      orb.Point
		metres float64
		source int
		ok     bool
	}{
		{"vertex 4 nearer B", 0, orb.Point{-1.470, 53.381}, dist4, 1, true},
		{"near 1, A on the same edge", 0, orb.Point{-1.4699, 53.380}, 0.4*e0 + cA, 0, true},
		{"vertex 1", 0, orb.Point{-1.470, 53.380}, dist1, 0, true},
		{"vertex 7 from 4", 0, orb.Point{-1.470, 53.382}, dist4 + n12, 1, true},
		{"within max", 190, orb.Point{-1.470, 53.381}, dist4, 1, true},
		{"beyond max", 150, orb.Point{-1.470, 53.381}, 0, -1, false},
		{"connector counts", 0, orb.Point{-1.4699, 53.3799}, 0.4*e0 + cA + 11.129, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := g.Nearest(context.Background(), sources(t, g), tt.max)
			if err != nil {
				t.Fatal(err)
			}
			s, _ := g.Snap(tt.p)
			m, src, ok := tree.To(s)
			if ok != tt.ok || src != tt.source || !near(m, tt.metres, 0.01) {
				t.Errorf("To = %.4f, %d, %v; want %.4f, %d, %v", m, src, ok, tt.metres, tt.source, tt.ok)
			}
		})
	}
	tree, _ := g.Nearest(context.Background(), sources(t, g), 0)
	if _, _, ok := tree.To(Snap{}); ok {
		t.Error("a zero Snap was reached")
	}
	if _, err := g.Nearest(context.Background(), []Snap{{}}, 0); err == nil {
		t.Error("a zero Snap was taken as a source")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Nearest(ctx, sources(t, g), 0); err == nil {
		t.Error("a cancelled search gave no error")
	}
}

func TestReached(t *testing.T) {
	g, _ := build(t, Walk)
	dist1, dist4 := cA+e0/2, 2*e1+n12/2
	tests := []struct {
		max, length float64
		cuts        int
	}{
		// Edges 1-3, 4-6 and 6-9 whole; 1-4 from both ends, cut twice; 4-7 from 4.
		{190, 2*e0 + 2*e1 + n12 + (190 - dist1) + 2*(190-dist4), 3},
		// A piece around A (cut on both sides), edge 6-9 whole, a bit of 4-6.
		{60, 2*(60-cA) + n12 + (60 - n12/2), 3},
	}
	for _, tt := range tests {
		tree, err := g.Nearest(context.Background(), sources(t, g), tt.max)
		if err != nil {
			t.Fatal(err)
		}
		var length float64
		cuts := 0
		tree.Reached(func(line orb.LineString, ms []float64) {
			if len(line) != len(ms) || len(line) < 2 {
				t.Fatalf("piece of %d points with %d distances", len(line), len(ms))
			}
			for i, m := range ms {
				if m > tt.max+1e-9 || m < 0 {
					t.Errorf("distance %v beyond max", m)
				}
				if m == tt.max {
					cuts++
				}
				if i > 0 {
					d := metresBetween(line[i-1][0], line[i-1][1], line[i][0], line[i][1])
					length += d
					if math.Abs(ms[i]-ms[i-1]) > d+1e-4 {
						t.Errorf("distance changes by %v over %v m", ms[i]-ms[i-1], d)
					}
				}
				if line[i] == (orb.Point{-1.470, 53.380}) && !near(m, dist1, 0.001) {
					t.Errorf("vertex 1 at %v, want %v", m, dist1)
				}
				if line[i][1] > 53.385 {
					t.Errorf("the fragment was reached: %v", line)
				}
			}
		})
		if !near(length, tt.length, 0.01) {
			t.Errorf("max %v: reached %.3f m, want %.3f", tt.max, length, tt.length)
		}
		if cuts != tt.cuts {
			t.Errorf("max %v: %d cuts at max, want %d", tt.max, cuts, tt.cuts)
		}
	}
}

// TestCycleOneway: the trip from origin to asset honours oneway=yes, and
// oneway:bicycle=no lifts it.
func TestCycleOneway(t *testing.T) {
	const osmXML = `<osm version="0.6">
<node id="1" lat="53.380" lon="-1.470"/><node id="2" lat="53.380" lon="-1.469"/><node id="3" lat="53.381" lon="-1.4695"/>
<way id="201"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/><tag k="oneway" v="yes"/>%s</way>
<way id="202"><nd ref="2"/><nd ref="3"/><nd ref="1"/><tag k="highway" v="residential"/></way></osm>`
	detour := 2 * metresBetween(-1.469, 53.380, -1.4695, 53.381)
	tests := []struct {
		name, extra string
		mode        Mode
		from        orb.Point
		want        float64
	}{
		{"with the flow", "", Cycle, orb.Point{-1.470, 53.380}, e0 / 2},
		{"against it", "", Cycle, orb.Point{-1.469, 53.380}, detour + e0/2},
		{"walking ignores it", "", Walk, orb.Point{-1.469, 53.380}, e0 / 2},
		{"oneway:bicycle=no", `<tag k="oneway:bicycle" v="no"/>`, Cycle, orb.Point{-1.469, 53.380}, e0 / 2},
		{"against, next to the asset", "", Cycle, orb.Point{-1.4694, 53.380}, detour + e0/2 + 0.4*e0}, // on to 2 first
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := osm.Bytes([]byte(strings.Replace(osmXML, "%s", tt.extra, 1)))
			g, _, err := Build(context.Background(), src, "oneway.osm", Options{Mode: tt.mode})
			if err != nil {
				t.Fatal(err)
			}
			asset, _ := g.Snap(orb.Point{-1.4695, 53.380})
			tree, err := g.Nearest(context.Background(), []Snap{asset}, 0)
			if err != nil {
				t.Fatal(err)
			}
			s, _ := g.Snap(tt.from)
			m, _, ok := tree.To(s)
			if !ok || !near(m, tt.want, 0.01) {
				t.Errorf("To = %.3f, %v; want %.3f", m, ok, tt.want)
			}
		})
	}
}

// Snap and Nearest from several goroutines on a fresh graph (the grid is
// built by the first Snap): run with -race.
func TestConcurrent(t *testing.T) {
	g, _ := build(t, Walk)
	var wg sync.WaitGroup
	got := make([]float64, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tree, err := g.Nearest(context.Background(), sources(t, g), 0)
			if err != nil {
				t.Error(err)
				return
			}
			s, _ := g.Snap(orb.Point{-1.470, 53.381})
			got[i], _, _ = tree.To(s)
		}()
	}
	wg.Wait()
	for _, m := range got {
		if !near(m, 2*e1+n12/2, 0.01) {
			t.Errorf("To = %v", m)
		}
	}
}
