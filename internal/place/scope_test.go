package place

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestParseScope(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{"wards-2019", "wards-2019", ""},
		{"community-neighbourhoods:heeley", "community-neighbourhoods:heeley", ""},
		{"grid:A1", "grid:A1", ""},
		{"Wards", "", "want SET or SET:CODE"},
		{"", "", "want SET or SET:CODE"},
		{"grid:", "", "SET:CODE"},
		{"grid: ", "", "SET:CODE"},
		{"grid:a\x00b", "", "SET:CODE"},
		{"grid:" + strings.Repeat("x", 101), "", "SET:CODE"},
	} {
		sc, err := ParseScope(tc.in)
		if tc.err != "" {
			if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseScope(%q) = %v, want an invalid error with %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || sc.String() != tc.want {
			t.Errorf("ParseScope(%q) = %v, %v, want %s", tc.in, sc, err, tc.want)
		}
	}
}

// TestPermitAssetWrite: a scoped writer may touch an asset only where the
// asset is and goes both lie in the grant.
func TestPermitAssetWrite(t *testing.T) {
	heeley := Grant{{Set: "community", Code: "heeley"}}
	wards := Grant{{Set: "wards"}}
	inHeeley := Location{"community": "heeley", "wards": "w1"}
	inSharrow := Location{"community": "sharrow", "wards": "w1"}
	outside := Location{} // in no area of any set asked about
	for _, tc := range []struct {
		name    string
		g       Grant
		touched []Location
		ok      bool
	}{
		{"unscoped writes anywhere", nil, []Location{outside, inSharrow}, true},
		{"create inside", heeley, []Location{inHeeley}, true},
		{"create outside", heeley, []Location{inSharrow}, false},
		{"move within", heeley, []Location{inHeeley, inHeeley}, true},
		{"move out of scope", heeley, []Location{inHeeley, inSharrow}, false},
		{"pull into scope from outside", heeley, []Location{inSharrow, inHeeley}, false},
		{"restore inside of an asset now outside", heeley, []Location{inSharrow, inHeeley}, false},
		{"restore outside of an asset now inside", heeley, []Location{inHeeley, inSharrow}, false},
		{"undelete (no current place) inside", heeley, []Location{inHeeley}, true},
		{"undelete outside", heeley, []Location{inSharrow}, false},
		{"mark reviewed outside", heeley, []Location{inSharrow}, false},
		{"set-wide scope", wards, []Location{inHeeley, inSharrow}, true},
		{"set-wide scope, off the set's ground", wards, []Location{outside}, false},
		{"either of two scopes", Grant{{Set: "community", Code: "sharrow"}, {Set: "community", Code: "heeley"}}, []Location{inHeeley, inSharrow}, true},
		{"an empty code never matches", Grant{{Set: "community"}}, []Location{{"community": ""}}, false},
	} {
		err := PermitAssetWrite(tc.g, tc.touched...)
		if tc.ok && err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if !tc.ok && (ErrorCode(err) != EFORBIDDEN || !strings.Contains(err.Error(), "outside your scope")) {
			t.Errorf("%s: %v, want forbidden", tc.name, err)
		}
	}
}

// TestPermitAreaEdit: scopes are fixed grants. Nobody but an admin may
// change the ground of an area that defines anyone's scope; renaming is
// fine; a scoped editor edits only areas in their own scope.
func TestPermitAreaEdit(t *testing.T) {
	heeley := Grant{{Set: "community", Code: "heeley"}}
	community := Grant{{Set: "community"}}
	held := []Scope{{Set: "community", Code: "heeley"}, {Set: "wards"}}
	for _, tc := range []struct {
		name      string
		g         Grant
		admin     bool
		held      []Scope
		set, code string
		e         AreaEdit
		want      string // "" allowed, else part of the refusal
	}{
		{"scoped editor redraws their own scope's area", heeley, false, held, "community", "heeley", RedrawArea, "defines an account's scope (community:heeley)"},
		{"scoped editor deletes their own scope's area", heeley, false, held, "community", "heeley", RemoveArea, "cannot delete"},
		{"scoped editor renames their own scope's area", heeley, false, held, "community", "heeley", RenameArea, ""},
		{"scoped editor edits an area outside their scope", heeley, false, held, "community", "sharrow", RenameArea, "outside your scope"},
		{"set-scoped editor renames an area of their set", community, false, append(held, community...), "community", "sharrow", RenameArea, ""},
		{"own set-wide scope: adding widens it", community, false, []Scope{{Set: "community"}}, "community", "new", AddArea, "every area of community"},
		{"own set-wide scope: redrawing widens it", community, false, []Scope{{Set: "community"}}, "community", "sharrow", RedrawArea, "every area of community"},
		{"unscoped editor redraws a scope's area", nil, false, held, "community", "heeley", RedrawArea, "defines an account's scope"},
		{"unscoped editor adds to a set-wide scope's set", nil, false, held, "wards", "w9", AddArea, "every area of wards"},
		{"unscoped editor deletes in a set-wide scope's set", nil, false, held, "wards", "w1", RemoveArea, "cannot delete"},
		{"unscoped editor adds the area a scope names", nil, false, held, "community", "heeley", AddArea, "community:heeley"},
		{"unscoped editor redraws an area no scope names", nil, false, held, "community", "sharrow", RedrawArea, ""},
		{"admin redraws a scope's area", nil, true, held, "community", "heeley", RedrawArea, ""},
		{"admin deletes a scope's area", nil, true, held, "community", "heeley", RemoveArea, ""},
		{"scoped admin is still held to their scope", heeley, true, held, "wards", "w1", RedrawArea, "outside your scope"},
	} {
		err := PermitAreaEdit(tc.g, tc.admin, tc.held, tc.set, tc.code, tc.e)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if ErrorCode(err) != EFORBIDDEN || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want forbidden with %q", tc.name, err, tc.want)
		}
	}
}

func TestSameOutline(t *testing.T) {
	sq := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	rotated := orb.Ring{{1, 1}, {0, 1}, {0, 0}, {1, 0}, {1, 1}}
	reversed := orb.Ring{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}
	reversedRotated := orb.Ring{{1, 0}, {0, 0}, {0, 1}, {1, 1}, {1, 0}}
	bigger := orb.Ring{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}
	mp := func(rs ...orb.Ring) orb.MultiPolygon { return orb.MultiPolygon{orb.Polygon(rs)} }
	for _, tc := range []struct {
		name string
		a, b orb.MultiPolygon
		want bool
	}{
		{"equal", mp(sq), mp(sq), true},
		{"another start", mp(sq), mp(rotated), true},
		{"reversed", mp(sq), mp(reversed), true},
		{"reversed, another start", mp(sq), mp(reversedRotated), true},
		{"redrawn", mp(sq), mp(bigger), false},
		{"a hole added", mp(bigger), mp(bigger, sq), false},
		{"a polygon added", mp(sq), append(mp(sq), orb.Polygon{bigger}), false},
	} {
		if got := SameOutline(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// fakeLocator places geometries among fixed areas: each geometry at its
// first vertex, as a store's bounding-box query would find candidates.
type fakeLocator struct {
	sets  map[string][]Candidate
	asked []string // the sets asked about, in order
	fail  error
}

func (l *fakeLocator) Point(g orb.Geometry) orb.Point {
	switch t := g.(type) {
	case orb.Point:
		return t
	case orb.Polygon:
		return t[0][0]
	}
	return g.Bound().Center()
}

func (l *fakeLocator) Areas(set string, pt orb.Point) ([]Candidate, error) {
	l.asked = append(l.asked, set)
	if l.fail != nil {
		return nil, l.fail
	}
	cands, ok := l.sets[set]
	if !ok {
		return nil, Errorf(ENOTFOUND, "no boundary set %q", set)
	}
	return cands, nil
}

func square(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

// TestInScope: the editor-scope rule over geometries. A geometry is in
// scope when the area of a scope's set that holds its point is one the
// grant names; sets that are gone grant nothing; an unlimited grant and
// nil (nowhere) need no look at the areas.
func TestInScope(t *testing.T) {
	areas := map[string][]Candidate{
		"community": {{Code: "heeley", Geometry: square(0, 0, 1, 1)}, {Code: "sharrow", Geometry: square(1, 0, 2, 1)}},
		"wards":     {{Code: "w1", Geometry: square(0, 0, 2, 1)}},
	}
	heeley := Grant{{Set: "community", Code: "heeley"}}
	inHeeley, inSharrow, nowhere := orb.Point{0.5, 0.5}, orb.Point{1.5, 0.5}, orb.Point{5, 5}
	for _, tc := range []struct {
		name  string
		g     Grant
		geom  orb.Geometry
		fail  error
		want  bool
		err   string // part of the error wanted, "" for none
		looks bool   // whether the areas are looked at
	}{
		{"unlimited covers everywhere", nil, nowhere, nil, true, "", false},
		{"nil is in every scope", heeley, nil, nil, true, "", false},
		{"in the scope's area", heeley, inHeeley, nil, true, "", true},
		{"in another area of the set", heeley, inSharrow, nil, false, "", true},
		{"off the set's ground", heeley, nowhere, nil, false, "", true},
		{"a polygon at its point", heeley, orb.Polygon(square(0.2, 0.2, 3, 3)[0]), nil, true, "", true},
		{"set-wide scope", Grant{{Set: "wards"}}, inSharrow, nil, true, "", true},
		{"either of two scopes", Grant{{Set: "wards", Code: "w9"}, {Set: "community", Code: "sharrow"}}, inSharrow, nil, true, "", true},
		{"a set that is gone grants nothing", Grant{{Set: "gone"}}, inHeeley, nil, false, "", true},
		{"a gone set beside a live one", Grant{{Set: "gone"}, {Set: "community", Code: "heeley"}}, inHeeley, nil, true, "", true},
		{"the store fails", heeley, inHeeley, Errorf(EUNAVAILABLE, "store down"), false, "store down", true},
	} {
		l := &fakeLocator{sets: areas, fail: tc.fail}
		got, err := tc.g.InScope(tc.geom, l)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.err)
			}
		} else if err != nil || got != tc.want {
			t.Errorf("%s: %v, %v, want %v", tc.name, got, err, tc.want)
		}
		if looked := len(l.asked) > 0; looked != tc.looks {
			t.Errorf("%s: asked about %v, want a look %v", tc.name, l.asked, tc.looks)
		}
	}
}

// TestPermitAssetWriteAt: PermitAssetWrite over geometries, each placed
// where it lies; nil (no current asset) is left out.
func TestPermitAssetWriteAt(t *testing.T) {
	l := &fakeLocator{sets: map[string][]Candidate{
		"community": {{Code: "heeley", Geometry: square(0, 0, 1, 1)}, {Code: "sharrow", Geometry: square(1, 0, 2, 1)}},
	}}
	heeley := Grant{{Set: "community", Code: "heeley"}}
	inHeeley, inSharrow := orb.Point{0.5, 0.5}, orb.Point{1.5, 0.5}
	for _, tc := range []struct {
		name    string
		g       Grant
		touched []orb.Geometry
		ok      bool
	}{
		{"unscoped writes anywhere", nil, []orb.Geometry{inSharrow}, true},
		{"create inside", heeley, []orb.Geometry{inHeeley}, true},
		{"create outside", heeley, []orb.Geometry{inSharrow}, false},
		{"move out of scope", heeley, []orb.Geometry{inHeeley, inSharrow}, false},
		{"no current asset, goes inside", heeley, []orb.Geometry{nil, inHeeley}, true},
		{"no current asset, goes outside", heeley, []orb.Geometry{nil, inSharrow}, false},
	} {
		err := PermitAssetWriteAt(tc.g, l, tc.touched...)
		if tc.ok && err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if !tc.ok && ErrorCode(err) != EFORBIDDEN {
			t.Errorf("%s: %v, want forbidden", tc.name, err)
		}
	}
}

// TestAccountGrant: scopes that cannot be read fail closed.
func TestAccountGrant(t *testing.T) {
	for _, tc := range []struct {
		scopes  []string
		want    string // the grant
		refused bool
	}{
		{nil, "", false},
		{[]string{"community:heeley", "wards"}, "community:heeley, wards", false},
		{[]string{"wards", "Not A Slug"}, "", true},
	} {
		g, err := AccountGrant(tc.scopes)
		if tc.refused {
			if ErrorCode(err) != EFORBIDDEN || !strings.Contains(err.Error(), "cannot be read") || g != nil {
				t.Errorf("AccountGrant(%q) = %v, %v; want forbidden", tc.scopes, g, err)
			}
			continue
		}
		if err != nil || g.String() != tc.want {
			t.Errorf("AccountGrant(%q) = %v, %v; want %q", tc.scopes, g, err, tc.want)
		}
	}
}

// TestPermitArea: a scoped holder acts on the areas of a set in scope, or
// an area named in it.
func TestPermitArea(t *testing.T) {
	g := Grant{{Set: "community", Code: "heeley"}, {Set: "wards"}}
	for _, tc := range []struct {
		g         Grant
		set, code string
		ok        bool
	}{
		{nil, "anything", "x", true},
		{g, "community", "heeley", true},
		{g, "community", "sharrow", false},
		{g, "wards", "w9", true},
		{g, "lsoa", "e1", false},
	} {
		err := tc.g.PermitArea(tc.set, tc.code)
		if tc.ok != (err == nil) || (err != nil && (ErrorCode(err) != EFORBIDDEN || !strings.Contains(err.Error(), "outside your scope"))) {
			t.Errorf("%v.PermitArea(%s, %s) = %v, want ok %v", tc.g, tc.set, tc.code, err, tc.ok)
		}
	}
}

// TestEditOf: an outline sent back unchanged (or none) renames; any other
// redraws.
func TestEditOf(t *testing.T) {
	sq := square(0, 0, 1, 1)
	reversed := orb.MultiPolygon{{{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}}}
	for _, tc := range []struct {
		name string
		sent orb.MultiPolygon
		want AreaEdit
	}{
		{"no outline", nil, RenameArea},
		{"the same outline", sq, RenameArea},
		{"the same outline, wound the other way", reversed, RenameArea},
		{"a new outline", square(0, 0, 2, 2), RedrawArea},
	} {
		if got := EditOf(sq, tc.sent); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
