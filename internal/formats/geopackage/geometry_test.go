package geopackage

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestGeometryBlobRoundTrip(t *testing.T) {
	square := orb.Polygon{{{-1.5, 53.25}, {-1.25, 53.25}, {-1.25, 53.5}, {-1.5, 53.5}, {-1.5, 53.25}}}
	for _, tc := range []struct {
		name     string
		g        orb.Geometry
		envelope bool // a header envelope: everything but points
	}{
		{"point", orb.Point{-1.47, 53.38}, false},
		{"polygon", square, true},
		{"multipolygon", orb.MultiPolygon{square}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := EncodeGeometry(tc.g)
			if err != nil {
				t.Fatal(err)
			}
			if string(b[:2]) != "GP" || b[2] != 0 {
				t.Fatalf("header %x: want GP, version 0", b[:4])
			}
			if got := (b[3]>>1)&7 == 1; got != tc.envelope {
				t.Fatalf("envelope flag = %v, want %v", got, tc.envelope)
			}
			back, err := DecodeGeometry(b)
			if err != nil {
				t.Fatal(err)
			}
			if !orb.Equal(back, tc.g) {
				t.Fatalf("decoded %v, want %v", back, tc.g)
			}
			bound, empty, err := BlobBound(b)
			if err != nil || empty || bound != tc.g.Bound() {
				t.Fatalf("BlobBound = %v, %v, %v; want %v", bound, empty, err, tc.g.Bound())
			}
		})
	}
}

func TestBlobBoundOfEmptyPoint(t *testing.T) {
	b, err := EncodeGeometry(orb.Point{math.NaN(), math.NaN()})
	if err != nil {
		t.Fatal(err)
	}
	if _, empty, err := BlobBound(b); err != nil || !empty {
		t.Fatalf("BlobBound of POINT EMPTY: empty = %v, err = %v", empty, err)
	}
}

func TestNotAGeoPackageBlob(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("GP"), []byte("XY\x00\x01\xe6\x10\x00\x00"), {'G', 'P', 0, 0x0f, 0, 0, 0, 0}} {
		if _, err := DecodeGeometry(b); err == nil {
			t.Errorf("DecodeGeometry(%x) = nil error, want one", b)
		}
	}
}
