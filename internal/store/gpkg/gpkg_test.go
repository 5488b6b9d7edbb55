package gpkg_test

import (
	"context"
	"testing"

	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/storetest"
	"github.com/placemap/placemap/migrations"
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

// TestMigrationFillsCells: migration 00027 fills asset_cells as writes keep it.
func TestMigrationFillsCells(t *testing.T) {
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m, err := migrations.GPKG.ReadFile("gpkg/00027_asset_cells_pyramid.sql")
	if err != nil {
		t.Fatal(err)
	}
	storetest.MigrationFillsCells(t, st, string(m))
}

func TestBandsMigration(t *testing.T) {
	dir := t.TempDir()
	storetest.BandsMigration(t, func() *store.DB {
		st, err := gpkg.Open(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		return st
	},
		// back to before 00026 by both Downs (00027's asset cells, then the bands)
		`DROP TABLE asset_cells`, `DELETE FROM gpkg_contents WHERE table_name = 'asset_cells'`, `CREATE INDEX assets_cell ON assets (fid, lon, lat, category)`,
		`DROP TABLE area_bands`, `DELETE FROM gpkg_contents WHERE table_name = 'area_bands'`, `DELETE FROM goose_db_version WHERE version_id >= 26`)
}
