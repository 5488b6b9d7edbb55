package postgis_test

import (
	"context"
	"testing"

	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/postgis"
	"github.com/placemap/placemap/internal/store/storetest"
	"github.com/placemap/placemap/internal/testkit"
	"github.com/placemap/placemap/migrations"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) *store.DB {
		st, err := postgis.Open(context.Background(), testkit.PostGISDatabaseURL(t), postgis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

// TestMigrationFillsCells: migration 00026 fills asset_cells as writes keep it.
func TestMigrationFillsCells(t *testing.T) {
	st, err := postgis.Open(context.Background(), testkit.PostGISDatabaseURL(t), postgis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m, err := migrations.PostGIS.ReadFile("postgis/00026_asset_cells_pyramid.sql")
	if err != nil {
		t.Fatal(err)
	}
	storetest.MigrationFillsCells(t, st, string(m))
}

func TestBandsMigration(t *testing.T) {
	url := testkit.PostGISDatabaseURL(t)
	storetest.BandsMigration(t, func() *store.DB {
		st, err := postgis.Open(context.Background(), url, postgis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return st
	},
		// back to before 00025 by the Downs (00027's name trigrams, 00026's asset cells, then the bands)
		`DROP INDEX assets_name_key_trgm`, `DROP TABLE asset_cells`, `DROP TABLE area_bands`, `DELETE FROM goose_db_version WHERE version_id >= 25`)
}
