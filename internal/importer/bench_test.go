package importer_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store/gpkg"
)

// BenchmarkImportSet imports the real Sheffield output areas (1,817, one
// of them repaired) into a new GeoPackage: read, check, repair, write,
// index.
func BenchmarkImportSet(b *testing.B) {
	src, err := os.ReadFile("../../geodata/sheffield/ons/statistical__eng__oa_by_lad__E08000019.json")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := gpkg.Open(ctx, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := importer.Set(ctx, st, bytesReader(src), "oa.json", place.BoundarySet{Slug: "oa", Title: "OA", Kind: place.Statistical}, formats.BoundaryOptions{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
