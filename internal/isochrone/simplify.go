package isochrone

import "math"

// simplifyRing applies Douglas–Peucker to a ring (not closed): it is cut
// at its first point and the point furthest from it, and each half is
// simplified keeping its ends.
func simplifyRing(pts []xy, tol float64) []xy {
	if len(pts) < 4 {
		return pts
	}
	far, best := 0, -1.0
	for i, p := range pts {
		if d := math.Hypot(p.x-pts[0].x, p.y-pts[0].y); d > best {
			far, best = i, d
		}
	}
	if far == 0 {
		return pts[:1]
	}
	keep := make([]bool, len(pts)+1) // index len(pts) is pts[0] again
	at := func(i int) xy { return pts[i%len(pts)] }
	dp(at, 0, far, tol, keep)
	dp(at, far, len(pts), tol, keep)
	out := make([]xy, 0, len(pts)/4+4)
	for i := range pts {
		if keep[i] {
			out = append(out, pts[i])
		}
	}
	return out
}

// dp marks the points of a..b (inclusive) Douglas–Peucker keeps.
func dp(at func(int) xy, a, b int, tol float64, keep []bool) {
	keep[a], keep[b] = true, true
	stack := [][2]int{{a, b}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		p, q := at(s[0]), at(s[1])
		far, best := -1, tol
		for i := s[0] + 1; i < s[1]; i++ {
			if d := segDist(at(i), p, q); d > best {
				far, best = i, d
			}
		}
		if far >= 0 {
			keep[far] = true
			stack = append(stack, [2]int{s[0], far}, [2]int{far, s[1]})
		}
	}
}

func segDist(p, a, b xy) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((p.x-a.x)*dx+(p.y-a.y)*dy)/l2))
	}
	return math.Hypot(p.x-a.x-t*dx, p.y-a.y-t*dy)
}
