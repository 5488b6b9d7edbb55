package osm

import (
	"fmt"

	"github.com/placemap/placemap/internal/place"
)

// invalidf returns an EINVALID error prefixed with the file name.
func invalidf(name, format string, args ...any) error {
	return place.Errorf(place.EINVALID, "%s: %s", name, fmt.Sprintf(format, args...))
}

// plural writes "1 object", "2 objects".
func plural(n int64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
