package place

import "strings"

// UniqueList checks a list a client sends (codes to keep, keys to take,
// fields to merge): it drops repeats, keeping the first of each, and
// refuses more than max distinct values, an empty value or one longer than
// 200 bytes, naming field. The work a list buys is bounded by what it holds,
// not by how often a client repeats it.
func UniqueList(field string, xs []string, max int) ([]string, error) {
	if len(xs) == 0 {
		return xs, nil
	}
	seen := make(map[string]bool, min(len(xs), max+1))
	out := make([]string, 0, min(len(xs), max))
	for i, x := range xs {
		if strings.TrimSpace(x) == "" {
			return nil, Errorf(EINVALID, "%s[%d]: empty", field, i)
		}
		if len(x) > 200 {
			return nil, Errorf(EINVALID, "%s[%d]: longer than 200 bytes", field, i)
		}
		if seen[x] {
			continue
		}
		if len(out) == max {
			return nil, Errorf(EINVALID, "%s: more than %d distinct values (at most %d)", field, max, max)
		}
		seen[x] = true
		out = append(out, x)
	}
	return out, nil
}
