package gpkg_test

import (
	"context"
	"testing"

	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) *store.DB {
		st, err := gpkg.Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

func TestBandsMigration(t *testing.T) {
	dir := t.TempDir()
	storetest.BandsMigration(t, func() *store.DB {
		st, err := gpkg.Open(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}, `DROP TABLE area_bands`, `DELETE FROM gpkg_contents WHERE table_name = 'area_bands'`, `DELETE FROM goose_db_version WHERE version_id = 26`)
}
