package store

import (
	"context"
	"fmt"

	"github.com/placemap/placemap/internal/place"
)

// areaExists says a set has an area with code: nil if it has, an error
// with errCode if not.
func areaExists(ctx context.Context, tx *Tx, set, code, errCode string) error {
	var exists bool
	if err := tx.QueryRow(ctx, sqlAreaExists, set, code).Scan(&exists); err != nil {
		return fmt.Errorf("area %s %s: %w", set, code, err)
	}
	if !exists {
		return place.Errorf(errCode, "no area %q in boundary set %q", code, set)
	}
	return nil
}
