package store

import (
	"context"
	"sort"

	"github.com/placemap/placemap/internal/place"
)

// DistinctScopes reads accounts' scope lists into the scopes they grant,
// each once, ordered by set then code. A scope that does not parse is left
// out: it grants nothing (auth.User.Validate refuses it on the way in).
func DistinctScopes(lists [][]string) []place.Scope {
	seen := map[place.Scope]bool{}
	out := []place.Scope{}
	for _, l := range lists {
		for _, s := range l {
			sc, err := place.ParseScope(s)
			if err != nil || seen[sc] {
				continue
			}
			seen[sc] = true
			out = append(out, sc)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Set != out[j].Set {
			return out[i].Set < out[j].Set
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// scopeTargets is what checking a grant needs.
type scopeTargets interface {
	Set(ctx context.Context, slug string) (place.SetSummary, error)
	Area(ctx context.Context, set, code string) (place.Area, error)
}

// CheckGrant checks that every scope of a grant names a boundary set, or an
// area, that exists: a scope naming nothing would grant whatever area later
// took that code. ENOTFOUND naming the scope; EINVALID for one that does
// not parse.
func CheckGrant(ctx context.Context, st scopeTargets, scopes []string) error {
	g, err := place.ParseGrant(scopes)
	if err != nil {
		return err
	}
	for _, sc := range g {
		if _, err := st.Set(ctx, sc.Set); err != nil {
			if place.ErrorCode(err) == place.ENOTFOUND {
				return place.Errorf(place.ENOTFOUND, "scope %s: there is no boundary set %q (see `placemap sets`)", sc, sc.Set)
			}
			return err
		}
		if sc.Code == "" {
			continue
		}
		if _, err := st.Area(ctx, sc.Set, sc.Code); err != nil {
			if place.ErrorCode(err) == place.ENOTFOUND {
				return place.Errorf(place.ENOTFOUND, "scope %s: boundary set %s has no area %q", sc, sc.Set, sc.Code)
			}
			return err
		}
	}
	return nil
}
