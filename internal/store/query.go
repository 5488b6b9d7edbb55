package store

import (
	"strings"
)

// Page clamps a requested limit and offset to what a store will serve.
func Page(limit, offset int) (int, int) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	if offset < 0 {
		offset = 0
	}
	return limit, offset
}

// NameKey is the form of an asset's name that stores order and search by:
// Unicode lower case, so every store agrees whatever its collation.
func NameKey(name string) string { return strings.ToLower(name) }

// NameSearchPattern is the LIKE pattern (escape character \) that finds
// q anywhere in a name key.
func NameSearchPattern(q string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(NameKey(q)) + "%"
}
