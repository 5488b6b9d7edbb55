package httpapi

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/access"
	"github.com/placemap/placemap/internal/place"
)

// Limits of a POST /api/access body.
const (
	minSpeedKmh, maxSpeedKmh     = 1, 30
	minMaxMinutes, maxMaxMinutes = 1, 180
	maxScenarioAssets            = 100 // ids in close, points in open
)

// accessParams reads and checks the body of POST /api/access, field by
// field, each error naming its field; what it returns is normalised.
func (s *Server) accessParams(r *http.Request) (access.Params, error) {
	var body struct {
		Category   string          `json:"category"`
		Status     json.RawMessage `json:"status"`
		From       string          `json:"from"`
		SpeedKmh   *float64        `json:"speed_kmh"`
		MaxMinutes *float64        `json:"max_minutes"`
		Close      []string        `json:"close"`
		Open       [][]float64     `json:"open"`
		Mode       string          `json:"mode"`
	}
	if err := decodeBody(r, &body); err != nil {
		return access.Params{}, err
	}
	p := access.Params{Category: body.Category, From: body.From, Mode: body.Mode}
	if err := checkAccessCategory(body.Category); err != nil {
		return p, err
	}
	statuses, err := accessStatuses(body.Status)
	if err != nil {
		return p, err
	}
	p.Statuses = statuses
	if p.SpeedKmh, err = inRange("speed_kmh", body.SpeedKmh, minSpeedKmh, maxSpeedKmh, "km/h"); err != nil {
		return p, err
	}
	if p.MaxMinutes, err = inRange("max_minutes", body.MaxMinutes, minMaxMinutes, maxMaxMinutes, "minutes"); err != nil {
		return p, err
	}
	if p.Mode != "" && p.Mode != "walk" && p.Mode != "cycle" {
		return p, place.Errorf(place.EINVALID, "mode %q: want walk or cycle", place.Excerpt(p.Mode))
	}
	if p.Open, err = openPoints(body.Open); err != nil {
		return p, err
	}
	if err := s.checkAccessRefs(r.Context(), body.From, body.Category, body.Close); err != nil {
		return p, err
	}
	p.Close = body.Close
	if err := p.Normalise(); err != nil {
		return p, err
	}
	if err := s.checkNetwork(r.Context(), p.Mode); err != nil {
		return p, err
	}
	return p, nil
}

func checkAccessCategory(cat string) error {
	if cat == "" {
		return place.Errorf(place.EINVALID, "category: name the category of assets to walk to (e.g. library)")
	}
	if _, ok := place.CategoryByID(cat); !ok {
		return place.Errorf(place.EINVALID, "category %q is not in the list (GET /api/categories)", place.Excerpt(cat))
	}
	return nil
}

// accessStatuses reads status: a status, a list of them, or nothing (the
// defaults).
func accessStatuses(raw json.RawMessage) ([]place.Status, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var list []place.Status
	var one place.Status
	if err := json.Unmarshal(raw, &one); err == nil {
		list = []place.Status{one}
	} else if err := json.Unmarshal(raw, &list); err != nil {
		return nil, place.Errorf(place.EINVALID, "status: want a status or a list of them (%v)", place.Statuses)
	}
	for _, st := range list {
		if !st.Valid() {
			return nil, place.Errorf(place.EINVALID, "status %q is not one of %v", place.Excerpt(string(st)), place.Statuses)
		}
	}
	return list, nil
}

// inRange checks an optional number field; 0 when absent (the default).
func inRange(field string, v *float64, lo, hi float64, unit string) (float64, error) {
	if v == nil {
		return 0, nil
	}
	if !(*v >= lo && *v <= hi) {
		return 0, place.Errorf(place.EINVALID, "%s %g: want %g to %g %s", field, *v, lo, hi, unit)
	}
	return *v, nil
}

// openPoints reads open: the [lon, lat] of each asset a scenario opens.
func openPoints(open [][]float64) ([]orb.Point, error) {
	if len(open) > maxScenarioAssets {
		return nil, place.Errorf(place.EINVALID, "open: %d points; at most %d", len(open), maxScenarioAssets)
	}
	var out []orb.Point
	for i, c := range open {
		if len(c) != 2 || c[0] < -180 || c[0] > 180 || c[1] < -90 || c[1] > 90 {
			return nil, place.Errorf(place.EINVALID, "open[%d]: want [longitude, latitude] within -180..180, -90..90", i)
		}
		out = append(out, orb.Point{c[0], c[1]})
	}
	return out, nil
}

// checkAccessRefs checks that from names a boundary set and that every
// asset closed exists and is of the category.
func (s *Server) checkAccessRefs(ctx context.Context, from, category string, closed []string) error {
	if from == "" {
		return place.Errorf(place.EINVALID, "from: name the block set whose areas are the origins (e.g. oa-2021)")
	}
	if _, err := s.areas.Set(ctx, from); err != nil {
		if place.ErrorCode(err) == place.ENOTFOUND {
			return place.Errorf(place.EINVALID, "from: no boundary set %q", place.Excerpt(from))
		}
		return err
	}
	if len(closed) > maxScenarioAssets {
		return place.Errorf(place.EINVALID, "close: %d assets; at most %d", len(closed), maxScenarioAssets)
	}
	for i, id := range closed {
		a, err := s.assets.Asset(ctx, id)
		switch {
		case place.ErrorCode(err) == place.ENOTFOUND:
			return place.Errorf(place.EINVALID, "close[%d]: no asset %q", i, place.Excerpt(id))
		case err != nil:
			return err
		case a.Category != category:
			return place.Errorf(place.EINVALID, "close[%d]: asset %q is a %s, not a %s", i, place.Excerpt(id), a.Category, category)
		}
	}
	return nil
}
