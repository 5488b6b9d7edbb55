package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// basemapOf writes a basemap of one street called street, with its name
// row, and returns ReplaceBasemap's error.
func basemapOf(st *store.DB, street string, x float64) error {
	line := orb.LineString{{x, 53.38}, {x + 0.001, 53.381}}
	return st.ReplaceBasemap(context.Background(), func(w *store.BasemapWriter) (store.BasemapInfo, error) {
		for band := 0; band < 4; band++ {
			if err := w.Add(store.BasemapFeature{Band: band, LastBand: band, MinZoom: 0, Layer: "roads", Class: "primary", Name: street, Geometry: line}); err != nil {
				return store.BasemapInfo{}, err
			}
		}
		err := w.Names([]store.BasemapName{{Kind: "street", Class: "primary", Name: street, Point: line[0], BBox: line.Bound()}})
		return store.BasemapInfo{Source: street + ".osm", Bounds: line.Bound()}, err
	})
}

// basemapReplaced: with no basemap, Basemap says ENOTFOUND; an import is
// read back by band and box with its names; a second import replaces the
// first whole, features, names and info together.
func basemapReplaced(t *testing.T, st *store.DB) {
	ctx := context.Background()
	_, err := st.Basemap(ctx)
	wantCode(t, err, place.ENOTFOUND)
	if err := basemapOf(st, "Division Street", -1.47); err != nil {
		t.Fatal(err)
	}
	if err := basemapOf(st, "West Street", -1.48); err != nil {
		t.Fatal(err)
	}
	info, err := st.Basemap(ctx)
	if err != nil || info.Source != "West Street.osm" || info.Features != 4 || info.Bounds.Min[0] != -1.48 {
		t.Fatalf("info = %+v, %v", info, err)
	}
	all := orb.Bound{Min: orb.Point{-2, 53}, Max: orb.Point{-1, 54}}
	fs, err := st.BasemapFeatures(ctx, store.BasemapQuery{Band: 2, Zoom: 12, BBox: all})
	if err != nil || len(fs) != 1 || fs[0].Name != "West Street" || fs[0].Band != 2 {
		t.Fatalf("features = %+v, %v", fs, err)
	}
	if _, ok := fs[0].Geometry.(orb.LineString); !ok {
		t.Fatalf("geometry %T, want LineString", fs[0].Geometry)
	}
	away := orb.Bound{Min: orb.Point{0, 53}, Max: orb.Point{1, 54}}
	if fs, err := st.BasemapFeatures(ctx, store.BasemapQuery{Band: 2, Zoom: 12, BBox: away}); err != nil || len(fs) != 0 {
		t.Fatalf("features away = %+v, %v", fs, err)
	}
	names, err := st.BasemapNames(ctx)
	if err != nil || len(names) != 1 || names[0].Name != "West Street" || names[0].Kind != "street" {
		t.Fatalf("names = %+v, %v", names, err)
	}
}

// basemapRefusalKeepsOld: an import that fails half-way (fill's error, or
// a name row the table refuses) leaves the previous basemap whole.
func basemapRefusalKeepsOld(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if err := basemapOf(st, "Division Street", -1.47); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("the file ends early")
	err := st.ReplaceBasemap(ctx, func(w *store.BasemapWriter) (store.BasemapInfo, error) {
		if err := w.Add(store.BasemapFeature{Band: 3, Layer: "roads", Class: "minor", Name: "Half", Geometry: orb.LineString{{0, 0}, {1, 1}}}); err != nil {
			return store.BasemapInfo{}, err
		}
		return store.BasemapInfo{}, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	err = st.ReplaceBasemap(ctx, func(w *store.BasemapWriter) (store.BasemapInfo, error) {
		return store.BasemapInfo{}, w.Names([]store.BasemapName{{Kind: "river", Name: "Don"}})
	})
	wantCode(t, err, place.EINVALID)
	info, err := st.Basemap(ctx)
	if err != nil || info.Source != "Division Street.osm" || info.Features != 4 {
		t.Fatalf("info after refusals = %+v, %v", info, err)
	}
	all := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	fs, err := st.BasemapFeatures(ctx, store.BasemapQuery{Band: 3, Zoom: 16, BBox: all})
	if err != nil || len(fs) != 1 || fs[0].Name != "Division Street" {
		t.Fatalf("features after refusals = %+v, %v", fs, err)
	}
	names, err := st.BasemapNames(ctx)
	if err != nil || len(names) != 1 || names[0].Name != "Division Street" {
		t.Fatalf("names after refusals = %+v, %v", names, err)
	}
}
