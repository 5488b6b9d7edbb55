package place

import "testing"

func TestNameScore(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		min  float64
		max  float64
	}{
		{"Leeds Conservatoire Library", "Conservatoire Library", 0.5, 0.5},
		{"St Mary's Church", "Saint Mary's", 0.99, 1},
		{"Heeley Library", "Broomhill Library", 0, 0},
		{"", "Anything", 0.5, 0.5},
	} {
		if s := NameScore(tc.a, tc.b); s < tc.min || s > tc.max {
			t.Errorf("NameScore(%q, %q) = %.2f", tc.a, tc.b, s)
		}
	}
}

func TestLikelyDuplicate(t *testing.T) {
	hub := Asset{ID: "a", Name: "Heeley Community Centre", Category: "community_centre"}
	for _, tc := range []struct {
		name     string
		existing Asset
		dist     float64
		want     bool
	}{
		{"alike, near", Asset{ID: "b", Name: "Heeley Centre", Category: "community_centre"}, 20, true},
		{"at the radius", Asset{ID: "b", Name: "Heeley Centre", Category: "community_centre"}, 50, true},
		{"too far", Asset{ID: "b", Name: "Heeley Centre", Category: "community_centre"}, 51, false},
		{"another category", Asset{ID: "b", Name: "Heeley Centre", Category: "library"}, 5, false},
		{"another name", Asset{ID: "b", Name: "Broomhill Centre", Category: "community_centre"}, 5, false},
		{"itself", Asset{ID: "a", Name: "Heeley Community Centre", Category: "community_centre"}, 0, false},
	} {
		if got := LikelyDuplicate(hub, tc.existing, tc.dist); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
