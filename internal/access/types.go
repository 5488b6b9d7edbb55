// Package access measures walking (or cycling) access from the areas of a
// boundary set to the nearest asset of a category along the street network:
// it snaps origins and assets to the network, runs one multi-source search
// from every asset, writes the results as indicators of the block set, sums
// them onto any set through the population-weighted crosswalk, compares a
// what-if scenario (assets closed or opened) with the baseline, and draws
// walking-time bands.
package access

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
)

// Thresholds are the walking times, in minutes, results are counted at.
var Thresholds = []int{5, 10, 15, 20}

// Defaults of Params.
const (
	DefaultSpeedKmh   = 4.8
	DefaultMaxMinutes = 60
	// FarMetres is how far from the network an origin or asset may lie
	// before the summary names it in Far.
	FarMetres = 250
	// BeyondMinutes is the threshold "residents beyond" counts at.
	BeyondMinutes = 15
)

// Params is what an access run asks for. Zero fields take the defaults
// (Normalise): statuses open and at risk, 4.8 km/h, 60 minutes, walking.
type Params struct {
	Category   string         `json:"category"`
	Statuses   []place.Status `json:"status,omitempty"`
	From       string         `json:"from"` // the block set whose areas are the origins
	SpeedKmh   float64        `json:"speed_kmh"`
	MaxMinutes float64        `json:"max_minutes"`
	Close      []string       `json:"close,omitempty"` // asset ids left out (a scenario)
	Open       []orb.Point    `json:"open,omitempty"`  // new assets at [lon, lat] (a scenario)
	Mode       string         `json:"mode"`            // walk or cycle; "" is walk
}

// Scenario reports whether the run closes or opens assets: a scenario
// never writes indicators and is compared with the baseline.
func (p Params) Scenario() bool { return len(p.Close) > 0 || len(p.Open) > 0 }

// MaxMetres is how far the search goes: speed × max minutes.
func (p Params) MaxMetres() float64 { return p.SpeedKmh * 1000 / 60 * p.MaxMinutes }

// Walk is one origin's way to its nearest asset.
type Walk struct {
	Reached     bool    `json:"reached"` // false: no asset within MaxMinutes (beyond every threshold)
	Metres      float64 `json:"metres,omitempty"`
	Minutes     float64 `json:"minutes,omitempty"`
	Nearest     string  `json:"nearest,omitempty"` // asset id; "" for an opened asset's "new:N"
	NearestName string  `json:"nearest_name,omitempty"`
}

// Origin is one area of the From set: where its people are taken to start
// and how far they walk.
type Origin struct {
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	Point      orb.Point `json:"point"`    // population-weighted point, else a point inside the area
	Weighted   bool      `json:"weighted"` // Point is population-weighted
	Population float64   `json:"population"`
	Far        bool      `json:"far"`         // more than FarMetres from the network
	SnapMetres float64   `json:"snap_metres"` // the straight connector to the network
	Walk
	// Base is the origin's walk in the baseline (no assets closed or
	// opened); set only on a scenario's origins.
	Base *Walk `json:"base,omitempty"`
}

// Far is an origin or asset farther than FarMetres from the network: it is
// still walked, with its straight connector, but named.
type Far struct {
	Kind   string  `json:"kind"` // origin or asset
	ID     string  `json:"id"`   // the area code or asset id
	Name   string  `json:"name"`
	Metres float64 `json:"metres"`
}

// AssetRef is an asset a run walked to.
type AssetRef struct {
	ID     string       `json:"id"` // "new:1", "new:2", … for an opened one
	Name   string       `json:"name"`
	Status place.Status `json:"status"`
	FID    int64        `json:"fid"` // 0 for an opened one
	Point  orb.Point    `json:"point"`
}

// Summary is a run's totals over its origins. Within is keyed by the
// threshold in minutes ("5", "10", …): the share of residents within it.
type Summary struct {
	Origins           int                `json:"origins"`
	Population        float64            `json:"population"`
	Reached           int                `json:"reached"` // origins with an asset within MaxMinutes
	Far               []Far              `json:"far"`
	Thresholds        []int              `json:"thresholds"`
	Within            map[string]float64 `json:"within"`
	BeyondResidents   float64            `json:"beyond_15_residents"`
	MeanMinutes       *float64           `json:"mean_minutes"` // population-weighted, over reached origins; null when none was reached
	Method            string             `json:"method"`
	Assets            []AssetRef         `json:"assets"`
	WeightedOrigins   int                `json:"weighted_origins"` // origins at a population-weighted point
	PopulationSource  string             `json:"population_source"`
	NetworkSource     string             `json:"network_source"`
	IndicatorsWritten []string           `json:"indicators_written,omitempty"`
}

// Change is a scenario compared with its baseline: residents moved beyond
// and within each threshold (keyed "5", "10", …). Baseline is the id of a
// stored baseline run when the caller keeps runs; the access package
// computes the baseline itself in the same run and leaves it empty.
type Change struct {
	Baseline    string             `json:"baseline,omitempty"`
	MovedBeyond map[string]float64 `json:"moved_beyond"`
	MovedWithin map[string]float64 `json:"moved_within"`
	// Before is the baseline's totals (Result.Scenario only): the shares
	// within each threshold, residents beyond 15 minutes and mean minutes
	// the scenario is compared with.
	Before *Summary `json:"before,omitempty"`
}

// Band is a walking-time area: the ground within Minutes of an asset.
type Band struct {
	Minutes  int              `json:"minutes"`
	Geometry orb.MultiPolygon `json:"geometry"`
}

// Result is a finished run. It is JSON-serialisable and self-contained: a
// scenario carries its baseline walk per origin, so views need nothing else.
type Result struct {
	Params     Params    `json:"params"`
	CreatedAt  time.Time `json:"created_at"`
	Origins    []Origin  `json:"origins"`
	Summary    Summary   `json:"summary"`
	Scenario   *Change   `json:"scenario,omitempty"`
	Isochrones []Band    `json:"isochrones,omitempty"` // largest (20 min) first
}

// AreaAccess is one area of a set in a SetView; Within is keyed "5", "10", ….
type AreaAccess struct {
	Code            string             `json:"code"`
	Name            string             `json:"name"`
	Population      float64            `json:"population"`
	Within          map[string]float64 `json:"within"`
	BeyondResidents float64            `json:"beyond_15_residents"`
	ShareBeyond     float64            `json:"share_beyond_15"`
	MeanMinutes     *float64           `json:"mean_minutes"`      // over the residents reached; null when none was
	Reached         float64            `json:"reached_residents"` // residents with an asset within MaxMinutes
	Change          *Change            `json:"change,omitempty"`  // scenario runs only
}

// SetView is a run seen from the areas of any set: origins' residents
// moved onto it through the population-weighted crosswalk. For a scenario
// the areas come most affected first (most residents moved beyond 15
// minutes), else in code order.
type SetView struct {
	Set    string       `json:"set"`
	Method string       `json:"method"`
	Areas  []AreaAccess `json:"areas"`
	Total  *Change      `json:"total,omitempty"` // a scenario's totals over the set
}

// Progress is told each stage of a run ("network", "assets", "origins",
// "snap", "search", "isochrones", "indicators" for a baseline, then "done")
// and how far it has got (done of total, where it knows). It may be nil,
// and is called from the goroutine that called Run.
type Progress func(stage string, done, total int)

// Key names a threshold in Within and Change maps.
func Key(minutes int) string { return strconv.Itoa(minutes) }

// Service runs access measurements over a store.
type Service struct {
	st    Store
	rec   *reconcile.Service
	now   func() time.Time
	cache graphCache
}

// NewService returns a service over a store, using rec for population and
// crosswalks (the same reconcile.Service the HTTP layer uses, so crosswalks
// are cached once).
func NewService(st Store, rec *reconcile.Service) *Service {
	return &Service{st: st, rec: rec, now: time.Now}
}

// Normalise fills p's defaults and checks it: a known category and
// statuses, a positive speed and limit, a known mode, points in range.
// (Whether the set and assets exist is checked by Run.)
func (p *Params) Normalise() error {
	if _, ok := place.CategoryByID(p.Category); !ok {
		return place.Errorf(place.EINVALID, "category %q is not in the list (%s)", p.Category, strings.Join(place.CategoryIDs(), ", "))
	}
	if len(p.Statuses) == 0 {
		p.Statuses = []place.Status{place.Open, place.AtRisk}
	}
	for _, st := range p.Statuses {
		if !st.Valid() {
			return place.Errorf(place.EINVALID, "status %q is not one of %v", st, place.Statuses)
		}
	}
	if p.SpeedKmh == 0 {
		p.SpeedKmh = DefaultSpeedKmh
	}
	if p.MaxMinutes == 0 {
		p.MaxMinutes = DefaultMaxMinutes
	}
	switch {
	case p.From == "":
		return place.Errorf(place.EINVALID, "from: name the block set whose areas are the origins")
	case !(p.SpeedKmh > 0 && p.SpeedKmh <= 50):
		return place.Errorf(place.EINVALID, "speed_kmh %g: want more than 0 and at most 50", p.SpeedKmh)
	case !(p.MaxMinutes > 0 && p.MaxMinutes <= 600):
		return place.Errorf(place.EINVALID, "max_minutes %g: want more than 0 and at most 600", p.MaxMinutes)
	}
	if p.Mode == "" {
		p.Mode = "walk"
	}
	if p.Mode != "walk" && p.Mode != "cycle" {
		return place.Errorf(place.EINVALID, "mode %q: want walk or cycle", p.Mode)
	}
	for _, pt := range p.Open {
		if math.IsNaN(pt[0]) || math.IsNaN(pt[1]) || pt[0] < -180 || pt[0] > 180 || pt[1] < -90 || pt[1] > 90 {
			return place.Errorf(place.EINVALID, "open: %g,%g is not a longitude,latitude", pt[0], pt[1])
		}
	}
	return nil
}
