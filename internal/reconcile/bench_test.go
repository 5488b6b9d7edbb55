package reconcile

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/place"
)

func benchAreas(b testing.TB, file string) []place.Area {
	b.Helper()
	f, err := os.Open(filepath.Join("../../geodata/sheffield", file))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	bf, err := formats.ReadBoundaries(f, file, formats.BoundaryOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return bf.Areas
}

// BenchmarkCrosswalk overlays the real Sheffield LSOAs with the 2019 wards
// and the OAs with the community neighbourhoods, as a crosswalk does.
func BenchmarkCrosswalk(b *testing.B) {
	lsoa := benchAreas(b, "ons/statistical__eng__lsoa_by_lad__E08000019.json")
	wards := benchAreas(b, "ons-2019/sheffield_wards_2019.geojson")
	oa := benchAreas(b, "ons/statistical__eng__oa_by_lad__E08000019.json")
	community := benchAreas(b, "community/data_neighbourhoods.geojson")
	wards2013 := benchAreas(b, "ons/electoral__eng__wards_by_lad__E08000019.json")
	for _, tc := range []struct {
		name string
		a, b []place.Area
	}{{"lsoa-wards", lsoa, wards}, {"oa-community", oa, community}, {"wards-wards", wards2013, wards}} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := Overlay(context.Background(), tc.a, tc.b); err != nil {
					b.Fatal(err)
				}
			}
		})
		// The service's path: areas from a store are not checked again.
		b.Run("stored/"+tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := OverlayStored(context.Background(), tc.a, tc.b); err != nil {
					b.Fatal(err)
				}
			}
		})
		// Figures without faces: intersections measured, not built.
		b.Run("areas/"+tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := OverlayStoredAreas(context.Background(), tc.a, tc.b); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
