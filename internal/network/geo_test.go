package network

import (
	"math"
	"testing"
)

// TestMetresAgainstPostGIS compares metresBetween with PostGIS
// ST_Distance(geography), which uses Karney's geodesic on WGS84 (values
// taken from PostGIS on 2026-12-06). The local-radii formula agrees to
// 0.01 mm up to 1.4 km and to about 1 mm at 9 km; street segments are
// short, so edge lengths (sums of segments) are as good as Karney's.
func TestMetresAgainstPostGIS(t *testing.T) {
	tests := []struct {
		lon1, lat1, lon2, lat2 float64
		want, tol              float64
	}{
		{-1.470, 53.380, -1.469, 53.380, 66.54628321, 1e-5},
		{-1.470, 53.381, -1.469, 53.381, 66.54472418, 1e-5},
		{-1.470, 53.380, -1.470, 53.381, 111.29342057, 1e-5},
		{-1.470, 53.380, -1.469, 53.381, 129.67085071, 1e-5},
		{-1.4695, 53.3795, -1.4695, 53.380, 55.64670325, 1e-5},
		{-75.55, 39.74, -75.5497, 39.7402, 33.97595265, 1e-5},
		{10, 60, 10.001, 60.0005, 78.84648298, 1e-5},
		{-75.55, 39.74, -75.54, 39.75, 1402.63745284, 1e-5},
		{0, 0, 0.01, 0, 1113.19490793, 1e-5},
		{-1.47, 53.38, -1.40, 53.45, 9075.06533274, 0.002},
	}
	for _, tt := range tests {
		got := metresBetween(tt.lon1, tt.lat1, tt.lon2, tt.lat2)
		if math.Abs(got-tt.want) > tt.tol {
			t.Errorf("metresBetween(%v %v, %v %v) = %.6f, PostGIS %.6f (tolerance %v)", tt.lon1, tt.lat1, tt.lon2, tt.lat2, got, tt.want, tt.tol)
		}
		t.Logf("%.4f m: error %.6f m", tt.want, got-tt.want)
	}
}
