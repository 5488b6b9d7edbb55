package store

import (
	"context"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/placemap/placemap/internal/place"
)

// NearAsset is an asset and its straight-line distance from a point.
type NearAsset struct {
	Asset  place.Asset
	Metres float64 // great-circle (haversine) distance to the asset's location
}

// nearestBoxes are the half-widths, in degrees of latitude, of the boxes
// NearestAssets searches in turn until it has enough assets: from a
// neighbourhood out to the whole of Great Britain and beyond.
var nearestBoxes = []float64{0.01, 0.03, 0.1, 0.3, 1, 3, 10, 180}

// NearestAssets returns up to limit assets (of category, or all when "")
// nearest pt, nearest first. An asset's location is its point, or the
// centre of its site's bounding box.
func (db *DB) NearestAssets(ctx context.Context, pt orb.Point, category string, limit int) ([]NearAsset, error) {
	if limit < 1 {
		return nil, nil
	}
	for _, d := range nearestBoxes {
		// A degree of longitude is shorter than one of latitude away from
		// the equator: widen the box so it holds the circle of radius d.
		b := orb.Bound{Min: orb.Point{pt[0] - 2*d, pt[1] - d}, Max: orb.Point{pt[0] + 2*d, pt[1] + d}}
		page, err := db.Assets(ctx, AssetQuery{BBox: &b, Category: category, NoCount: true})
		if err != nil {
			return nil, err
		}
		near := make([]NearAsset, 0, len(page.Assets))
		for _, a := range page.Assets {
			loc := a.Geometry.Bound().Center()
			if p, ok := a.Geometry.(orb.Point); ok {
				loc = p
			}
			near = append(near, NearAsset{Asset: a, Metres: geo.Distance(pt, loc)})
		}
		sort.SliceStable(near, func(i, j int) bool { return near[i].Metres < near[j].Metres })
		// Only assets within d degrees of latitude (111 km a degree) are
		// certainly nearer than any outside the box.
		within := 0
		for _, n := range near {
			if n.Metres <= d*111_000 {
				within++
			}
		}
		if within >= limit || d == nearestBoxes[len(nearestBoxes)-1] || len(page.Assets) >= MaxPage {
			return near[:min(limit, len(near))], nil
		}
	}
	return nil, nil
}
