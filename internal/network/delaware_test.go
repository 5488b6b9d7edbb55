package network

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/testkit"
)

func delaware(t testing.TB) osm.Source {
	return osm.File(filepath.Join(testkit.RepoRoot(t), "geodata/osm/delaware-latest.osm.pbf"))
}

// TestDelaware builds the walking network of the Delaware extract (PBF) and
// checks its figures fall in sane ranges: about 10 s on two cores.
func TestDelaware(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIP: -short: the Delaware network takes about 10 s")
	}
	g, rep, err := Build(context.Background(), delaware(t), "delaware-latest.osm.pbf", Options{Mode: Walk})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ways %d, vertices %d, edges %d, %.0f km, %d components, largest %.1f%%, skipped %v",
		rep.Ways, rep.Nodes, rep.Edges, rep.Metres/1000, rep.Components, 100*rep.LargestComponentShare, rep.Skipped)
	switch {
	case rep.Ways < 20_000 || rep.Ways > 1_000_000:
		t.Errorf("%d ways", rep.Ways)
	case rep.Edges < rep.Ways || rep.Nodes < rep.Ways/2:
		t.Errorf("%d edges, %d vertices for %d ways", rep.Edges, rep.Nodes, rep.Ways)
	case rep.Metres < 10_000e3 || rep.Metres > 100_000e3:
		t.Errorf("%.0f km", rep.Metres/1000)
	case rep.LargestComponentShare < 0.8 || rep.LargestComponentShare > 1:
		t.Errorf("largest component %.3f", rep.LargestComponentShare)
	case rep.Skipped["motorway"] == 0:
		t.Errorf("no motorway skipped: %v", rep.Skipped)
	case !rep.Bounds.Contains(orb.Point{-75.55, 39.74}): // Wilmington
		t.Errorf("bounds %v", rep.Bounds)
	}
	srcs := randomSnaps(g, 35, 1)
	tree, err := g.Nearest(context.Background(), srcs, 0)
	if err != nil {
		t.Fatal(err)
	}
	checkReached(t, g, srcs, rep.Metres)
	for _, o := range randomSnaps(g, 200, 2) {
		m, i, ok := tree.To(o)
		if !ok {
			t.Fatalf("%v unreached in the largest component", o.Point)
		}
		line := metresBetween(o.Point[0], o.Point[1], srcs[i].Point[0], srcs[i].Point[1])
		if m < line-0.01 {
			t.Errorf("%v: network %.1f m shorter than the straight line %.1f m", o.Point, m, line)
		}
	}
}

// randomSnaps snaps n points spread over the graph's bounds.
func randomSnaps(g *Graph, n int, seed uint64) []Snap {
	r := rand.New(rand.NewPCG(seed, 7))
	b := g.Report().Bounds
	out := make([]Snap, n)
	for i := range out {
		p := orb.Point{b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1])}
		out[i], _ = g.Snap(p)
	}
	return out
}

func BenchmarkBuildDelaware(b *testing.B) {
	src := delaware(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Build(context.Background(), src, "delaware", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNearestDelaware35(b *testing.B) {
	g, _, err := Build(context.Background(), delaware(b), "delaware", Options{}) // once: b.Loop
	if err != nil {
		b.Fatal(err)
	}
	srcs := randomSnaps(g, 35, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := g.Nearest(context.Background(), srcs, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSnapDelaware(b *testing.B) {
	g, _, err := Build(context.Background(), delaware(b), "delaware", Options{}) // once: b.Loop
	if err != nil {
		b.Fatal(err)
	}
	g.Snap(orb.Point{-75.55, 39.74}) // the grid, built once
	pts := randomSnaps(g, 1000, 3)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() { // near the network, as origins and assets are
		on := pts[i%len(pts)].On
		g.Snap(orb.Point{on[0] + 0.0005, on[1] + 0.0003})
		i++
	}
}

// checkReached runs a 1,200 m search (15 minutes at 4.8 km/h) and checks
// what Reached gives: distances within it, less street than the network.
func checkReached(t *testing.T, g *Graph, srcs []Snap, total float64) {
	const max = 1200.0
	tree, err := g.Nearest(context.Background(), srcs, max)
	if err != nil {
		t.Fatal(err)
	}
	pieces, length := 0, 0.0
	tree.Reached(func(line orb.LineString, ms []float64) {
		pieces++
		for i := range line {
			if ms[i] > max+1e-9 {
				t.Fatalf("distance %v past %v", ms[i], max)
			}
			if i > 0 {
				length += metresBetween(line[i-1][0], line[i-1][1], line[i][0], line[i][1])
			}
		}
	})
	t.Logf("within %.0f m of %d sources: %d pieces, %.1f km of street", max, len(srcs), pieces, length/1000)
	if pieces == 0 || length >= total {
		t.Errorf("%d pieces, %.0f m of %.0f", pieces, length, total)
	}
}
