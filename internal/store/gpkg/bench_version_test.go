package gpkg_test

import (
	"context"
	"testing"

	"github.com/placemap/placemap/internal/store/gpkg"
)

// BenchmarkVersions: what a cached tile asks the store, the data version
// and the tile layers' versions, from parallel requests while nothing
// commits.
func BenchmarkVersions(b *testing.B) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := st.DataVersion(ctx); err != nil {
				b.Fatal(err)
			}
			if _, err := st.TileVersions(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
