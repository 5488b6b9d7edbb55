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
