package place

import (
	"slices"
	"strings"

	"github.com/paulmach/orb"
)

// Scope is a fixed grant to an editor or moderator: a whole boundary set
// (Code "") or one area of it ("moderator for Heeley"). It names areas; it
// never carries their outlines, so what it covers is whatever those areas
// cover — which is why the areas a scope names may not be redrawn by the
// people it limits (see PermitAreaEdit).
type Scope struct {
	Set  string
	Code string // "" for every area of Set
}

func (sc Scope) String() string {
	if sc.Code == "" {
		return sc.Set
	}
	return sc.Set + ":" + sc.Code
}

// ParseScope reads "SET" or "SET:CODE".
func ParseScope(s string) (Scope, error) {
	set, code, hasCode := strings.Cut(s, ":")
	if !ValidSlug(set) {
		return Scope{}, Errorf(EINVALID, "scope %q: want SET or SET:CODE, SET a boundary set's slug", s)
	}
	if hasCode && (strings.TrimSpace(code) == "" || len(code) > 100 || strings.ContainsRune(code, 0)) {
		return Scope{}, Errorf(EINVALID, "scope %q: want SET:CODE with the code of one of the set's areas", s)
	}
	return Scope{Set: set, Code: code}, nil
}

// Grant is every scope one account holds. An empty grant limits nothing:
// the account writes wherever its role allows.
type Grant []Scope

// ParseGrant reads an account's scopes.
func ParseGrant(scopes []string) (Grant, error) {
	g := make(Grant, 0, len(scopes))
	for _, s := range scopes {
		sc, err := ParseScope(s)
		if err != nil {
			return nil, err
		}
		g = append(g, sc)
	}
	return g, nil
}

// AccountGrant is the grant of an account with these scopes. Scopes that
// cannot be read fail closed, EFORBIDDEN: read as none they would leave
// an empty grant, which limits nothing.
func AccountGrant(scopes []string) (Grant, error) {
	g, err := ParseGrant(scopes)
	if err != nil {
		return nil, Errorf(EFORBIDDEN, "your account's scope cannot be read (%s): ask an admin", ErrorMessage(err))
	}
	return g, nil
}

// Limited reports whether the grant limits where its holder writes.
func (g Grant) Limited() bool { return len(g) > 0 }

// Sets lists the boundary sets the grant's scopes are drawn in, each once:
// the sets whose areas a Location must name.
func (g Grant) Sets() []string {
	var out []string
	for _, sc := range g {
		if !slices.Contains(out, sc.Set) {
			out = append(out, sc.Set)
		}
	}
	return out
}

func (g Grant) String() string {
	parts := make([]string, len(g))
	for i, sc := range g {
		parts[i] = sc.String()
	}
	return strings.Join(parts, ", ")
}

// Location says where a point lies: for each boundary set asked about, the
// code of the area that holds it (Locate's answer). A set whose areas do
// not hold the point is absent.
type Location map[string]string

// Covers reports whether the scope covers a location.
func (sc Scope) Covers(loc Location) bool {
	code, ok := loc[sc.Set]
	return ok && code != "" && (sc.Code == "" || sc.Code == code)
}

// Covers reports whether one of the grant's scopes covers loc; an
// unlimited grant covers everywhere.
func (g Grant) Covers(loc Location) bool {
	if !g.Limited() {
		return true
	}
	for _, sc := range g {
		if sc.Covers(loc) {
			return true
		}
	}
	return false
}

// PermitAssetWrite decides whether a grant allows a write to an asset.
// touched is every location the write involves: where the asset is now
// (for an update, move, delete, mark-reviewed or restore of a live asset)
// and where it will be (for a create, update, move or restore — the
// restored revision's place). Each must lie in the grant, so an asset can
// neither be moved out of a scope nor pulled into one from outside, and a
// restore cannot bring back an asset outside it. EFORBIDDEN otherwise.
func PermitAssetWrite(g Grant, touched ...Location) error {
	for _, loc := range touched {
		if !g.Covers(loc) {
			return Errorf(EFORBIDDEN, "outside your scope (%s)", g)
		}
	}
	return nil
}

// Locator places geometries among the areas of boundary sets, for the
// scope rules: a store's spatial query behind membership's placement.
type Locator interface {
	// Point is where g counts as lying: its point on surface, as
	// membership places it.
	Point(g orb.Geometry) orb.Point
	// Areas lists the areas of set that may hold pt: more than hold it
	// is fine (a bounding-box query), Locate picks the one that does.
	// ENOTFOUND when the set does not exist.
	Areas(set string, pt orb.Point) ([]Candidate, error)
}

// Where says where g lies for the grant: the area of each of its sets that
// holds g's point, as Locate places it. A set that is gone grants nothing
// and is left out.
func (g Grant) Where(geom orb.Geometry, l Locator) (Location, error) {
	pt := l.Point(geom)
	loc := Location{}
	for _, set := range g.Sets() {
		cands, err := l.Areas(set, pt)
		if ErrorCode(err) == ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		if c, ok := Locate(pt, cands); ok {
			loc[set] = c.Code
		}
	}
	return loc, nil
}

// InScope reports whether the grant covers geom (Covers, at Where it
// lies): the editor-scope rule for work that keeps what lies in scope
// rather than refusing, as a scoped conflation run does. An unlimited
// grant covers everywhere, and nil (nowhere) is in every scope, without a
// look at the areas.
func (g Grant) InScope(geom orb.Geometry, l Locator) (bool, error) {
	if !g.Limited() || geom == nil {
		return true, nil
	}
	loc, err := g.Where(geom, l)
	if err != nil {
		return false, err
	}
	return g.Covers(loc), nil
}

// PermitAssetWriteAt is PermitAssetWrite for a write that touches the
// geometries touched (where the asset is, and where it goes), placed with
// l; nil stands for nowhere (no current asset) and is left out. An
// unlimited grant permits without a look at the areas.
func PermitAssetWriteAt(g Grant, l Locator, touched ...orb.Geometry) error {
	if !g.Limited() {
		return nil
	}
	locs := make([]Location, 0, len(touched))
	for _, geom := range touched {
		if geom == nil {
			continue
		}
		loc, err := g.Where(geom, l)
		if err != nil {
			return err
		}
		locs = append(locs, loc)
	}
	return PermitAssetWrite(g, locs...)
}

// PermitsArea reports whether the grant lets its holder act on an area
// (set, code): the set or that area is one of its scopes.
func (g Grant) PermitsArea(set, code string) bool {
	if !g.Limited() {
		return true
	}
	for _, sc := range g {
		if sc.Set == set && (sc.Code == "" || sc.Code == code) {
			return true
		}
	}
	return false
}

// PermitArea is EFORBIDDEN unless the grant lets its holder act on the
// area (set, code) (PermitsArea).
func (g Grant) PermitArea(set, code string) error {
	if !g.PermitsArea(set, code) {
		return Errorf(EFORBIDDEN, "outside your scope (%s)", g)
	}
	return nil
}

// AreaEdit is a change to a boundary set's areas.
type AreaEdit int

// The area edits. Only a rename leaves the ground an area covers as it was.
const (
	RenameArea AreaEdit = iota // a new name, the same outline
	RedrawArea                 // a new outline
	AddArea                    // a new area in a set
	RemoveArea                 // an area taken out of its set
)

func (e AreaEdit) String() string {
	switch e {
	case RenameArea:
		return "rename"
	case RedrawArea:
		return "redraw"
	case AddArea:
		return "add"
	}
	return "delete"
}

// ChangesGround reports whether the edit changes the ground a set's areas
// cover.
func (e AreaEdit) ChangesGround() bool { return e != RenameArea }

// EditOf says what sending outline sent for an area now drawn as current
// does: a rename when sent is nil (a new name only) or the same outline
// (SameOutline), else a redraw.
func EditOf(current, sent orb.MultiPolygon) AreaEdit {
	if sent == nil || SameOutline(sent, current) {
		return RenameArea
	}
	return RedrawArea
}

// PermitAreaEdit decides whether an account may make edit e to area (set,
// code) — for AddArea, the code the new area would have.
//
// The account's own grant g must include the area (or its set). And
// because a scope is a fixed grant, not something to be redrawn: while any
// account holds a scope that the area defines (held: every scope granted
// to any account; a set-wide scope is defined by every area of its set),
// only an admin may change the ground it covers — redraw or delete the
// area, or add an area to a set-wide scope's set. Renaming changes no
// ground and is allowed to whoever may edit the area. An admin grants
// scopes, so an admin's redraw is an administrative act (kept in the
// area's history); an admin's delete leaves the scope granting nothing
// there, never more.
func PermitAreaEdit(g Grant, admin bool, held []Scope, set, code string, e AreaEdit) error {
	if err := g.PermitArea(set, code); err != nil {
		return err
	}
	if admin || !e.ChangesGround() {
		return nil
	}
	for _, h := range held {
		if h.Set != set || (h.Code != "" && h.Code != code) {
			continue
		}
		if h.Code == "" {
			return Errorf(EFORBIDDEN, "cannot %s area %s:%s: every area of %s defines an account's scope (%s), a fixed grant that only an admin may widen or narrow; renaming is allowed",
				e, set, code, set, h)
		}
		return Errorf(EFORBIDDEN, "cannot %s area %s:%s: it defines an account's scope (%s), a fixed grant that only an admin may widen or narrow; renaming is allowed",
			e, set, code, h)
	}
	return nil
}

// SameOutline reports whether two outlines cover the same ground with the
// same vertices: each polygon's rings equal, allowing a ring to start at
// another vertex or to run the other way (GeoJSON writers differ on
// winding). An unchanged outline sent back with a new name is a rename.
func SameOutline(a, b orb.MultiPolygon) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if !sameRing(a[i][j], b[i][j]) {
				return false
			}
		}
	}
	return true
}

// sameRing compares closed rings up to start vertex and direction.
func sameRing(a, b orb.Ring) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) < 2 {
		return orb.Equal(a, b)
	}
	n := len(a) - 1 // the closing vertex repeats the first
	pa, pb := a[:n], b[:n]
	for start := 0; start < n; start++ {
		if pb[start] != pa[0] {
			continue
		}
		fwd, back := true, true
		for k := 0; k < n && (fwd || back); k++ {
			if pb[(start+k)%n] != pa[k] {
				fwd = false
			}
			if pb[(start-k+n)%n] != pa[k] {
				back = false
			}
		}
		if fwd || back {
			return true
		}
	}
	return false
}
