package reconcile

import (
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/geo"
)

// agreementByCutting is the surface as Agreement made it before the
// arrangement: cutting every face by each definition in turn. It is kept
// here as an independent reference, and to measure against.
func agreementByCutting(defs []orb.MultiPolygon) ([]Face, error) {
	type face struct {
		s       geo.Shape
		members []int
	}
	var faces []face
	for k, d := range defs {
		sd, err := geo.NewShape(d)
		if err != nil {
			return nil, err
		}
		var next []face
		rest := sd
		for _, f := range faces {
			in, err := geo.Intersect(f.s, sd)
			if err != nil {
				return nil, err
			}
			out, err := geo.Subtract(f.s, sd)
			if err != nil {
				return nil, err
			}
			if in.Area > 0 {
				next = append(next, face{in, append(append([]int(nil), f.members...), k)})
				if rest, err = geo.Subtract(rest, in); err != nil {
					return nil, err
				}
			}
			if out.Area > 0 {
				next = append(next, face{out, f.members})
			}
		}
		if rest.Area > 0 {
			next = append(next, face{rest, []int{k}})
		}
		faces = next
	}
	var out []Face
	for _, f := range faces {
		if f.s.Area >= MinFaceM2 {
			out = append(out, Face{MP: f.s.MP, AreaM2: f.s.Area, Members: f.members})
		}
	}
	return out, nil
}

// areaByMembers sums faces' areas by the definitions covering them.
func areaByMembers(faces []Face) map[string]float64 {
	out := map[string]float64{}
	for _, f := range faces {
		out[fmt.Sprint(f.Members)] += f.AreaM2
	}
	return out
}

// TestAgreementMatchesCutting: the arrangement gives the same faces (by
// the definitions covering them) and areas as cutting one definition at
// a time, on known and on drawn arrangements: nested squares (a hole),
// squares touching at a corner, a square beside another sharing an edge,
// and residents' outlines.
func TestAgreementMatchesCutting(t *testing.T) {
	sq := func(x, y, d float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}}
	}
	for _, tc := range []struct {
		name string
		defs []orb.MultiPolygon
	}{
		{"three in a row", []orb.MultiPolygon{sq(-1.48, 53.28, 0.03), sq(-1.47, 53.28, 0.03), sq(-1.46, 53.28, 0.03)}},
		{"nested", []orb.MultiPolygon{sq(-1.5, 53.3, 0.05), sq(-1.49, 53.31, 0.01)}},
		{"corner to corner", []orb.MultiPolygon{sq(-1.5, 53.3, 0.01), sq(-1.49, 53.31, 0.01), sq(-1.505, 53.305, 0.01)}},
		{"sharing an edge", []orb.MultiPolygon{sq(-1.5, 53.3, 0.01), sq(-1.49, 53.3, 0.01), sq(-1.495, 53.295, 0.01)}},
		{"apart", []orb.MultiPolygon{sq(-1.5, 53.3, 0.01), sq(-1.4, 53.3, 0.01)}},
		{"a ring", []orb.MultiPolygon{{{{{-1.5, 53.3}, {-1.4, 53.3}, {-1.4, 53.4}, {-1.5, 53.4}, {-1.5, 53.3}}, {{-1.48, 53.32}, {-1.48, 53.38}, {-1.42, 53.38}, {-1.42, 53.32}, {-1.48, 53.32}}}}, sq(-1.45, 53.35, 0.01)}},
		{"twelve drawings", drawnOutlines(12)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Agreement(tc.defs)
			if err != nil {
				t.Fatal(err)
			}
			want, err := agreementByCutting(tc.defs)
			if err != nil {
				t.Fatal(err)
			}
			g, w := areaByMembers(got), areaByMembers(want)
			if len(g) != len(w) {
				t.Errorf("%d faces, want %d: %v vs %v", len(g), len(w), g, w)
			}
			for k, a := range w {
				if math.Abs(g[k]-a) > 1e-6*a+1 {
					t.Errorf("face %s: %.1f m², want %.1f", k, g[k], a)
				}
			}
			for i := 1; i < len(got); i++ {
				if len(got[i].Members) > len(got[i-1].Members) {
					t.Errorf("face %d is covered by more definitions than face %d", i, i-1)
				}
			}
			// Merged by count, the ground each count covers is the same.
			perCount := map[int]float64{}
			for _, f := range got {
				perCount[len(f.Members)] += f.AreaM2
			}
			merged, err := ByCount(got)
			if err != nil || len(merged) != len(perCount) {
				t.Fatalf("by count: %d faces, %v; want %d", len(merged), err, len(perCount))
			}
			for i, m := range merged {
				if math.Abs(m.AreaM2-perCount[m.Count]) > 1e-6*m.AreaM2+1 || (i > 0 && m.Count >= merged[i-1].Count) {
					t.Errorf("by count, face %d: %d drawings, %.1f m², want %.1f", i, m.Count, m.AreaM2, perCount[m.Count])
				}
			}
			// Every face can be dissolved (Threshold does).
			for _, share := range []float64{0.3, 0.5, 1} {
				if _, _, err := Threshold(got, len(tc.defs), share); err != nil {
					t.Errorf("threshold %g: %v", share, err)
				}
			}
		})
	}
}
