package reconcile

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/placemap/placemap/internal/csvcell"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/rfc7946"
)

// Report is a crosswalk as the API and CLI give it.
type Report struct {
	A              SetRef       `json:"a"`
	B              SetRef       `json:"b"`
	Method         Method       `json:"method"`
	PopulationSets []string     `json:"population_sets"`
	Summary        Summary      `json:"summary"`
	Pairs          []PairRow    `json:"pairs"`
	BestFit        []BestFitRow `json:"best_fit"`
}

// SetRef names a set.
type SetRef struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// Method states how a crosswalk was made.
type Method struct {
	Area            string      `json:"area"`
	SliverThreshold float64     `json:"sliver_threshold"`
	EquivalentIoU   float64     `json:"equivalent_iou"`
	WithinShare     float64     `json:"within_share"`
	MedianIoU       string      `json:"median_iou"`
	Weight          Weight      `json:"weight"`
	Population      *Population `json:"population"`
}

// PairRow is one overlapping pair.
type PairRow struct {
	ACode     string   `json:"a_code"`
	AName     string   `json:"a_name"`
	BCode     string   `json:"b_code"`
	BName     string   `json:"b_name"`
	InterM2   float64  `json:"inter_m2"`
	ShareAInB float64  `json:"share_a_in_b"`
	ShareBInA float64  `json:"share_b_in_a"`
	IoU       float64  `json:"iou"`
	Class     Class    `json:"class"`
	PopAInB   *float64 `json:"pop_share_a_in_b,omitempty"`
	PopBInA   *float64 `json:"pop_share_b_in_a,omitempty"`
}

// BestFitRow is the best counterpart of one area of A.
type BestFitRow struct {
	ACode string  `json:"a_code"`
	AName string  `json:"a_name"`
	BCode string  `json:"b_code"`
	BName string  `json:"b_name"`
	Share float64 `json:"share"`
}

// AreaMethod describes how areas are measured.
const AreaMethod = "overlay in longitude/latitude (simplefeatures); areas in m² on the WGS84 ellipsoid by an equal-area (Lambert azimuthal) projection centred on each shape"

// NewReport lays a weighted crosswalk out for people.
func NewReport(w *Weighted, a, b place.BoundarySet, popSets []string) Report {
	r := Report{
		A: SetRef{a.Slug, a.Title}, B: SetRef{b.Slug, b.Title},
		Method: Method{Area: AreaMethod, SliverThreshold: SliverShare, EquivalentIoU: EquivalentIoU, WithinShare: WithinShare,
			MedianIoU: "median over each A area's best-fit pair", Weight: w.Weight, Population: w.Population},
		PopulationSets: popSets,
		Summary:        w.Summary,
		Pairs:          make([]PairRow, len(w.Pairs)),
	}
	if r.PopulationSets == nil {
		r.PopulationSets = []string{}
	}
	for i, p := range w.Pairs {
		row := PairRow{ACode: w.A[p.A].Code, AName: w.A[p.A].Name, BCode: w.B[p.B].Code, BName: w.B[p.B].Name,
			InterM2: round(p.InterM2, 2), ShareAInB: round(p.ShareAInB, 6), ShareBInA: round(p.ShareBInA, 6), IoU: round(p.IoU, 6), Class: p.Class}
		if p.hasPop {
			pa, pb := round(p.PopAInB, 6), round(p.PopBInA, 6)
			row.PopAInB, row.PopBInA = &pa, &pb
		}
		r.Pairs[i] = row
	}
	// Best fit by the weight asked for: the largest share of a's area, or
	// of its people.
	best := make([]int, len(w.A))
	for i := range best {
		best[i] = -1
	}
	for k, p := range w.Pairs {
		if b := best[p.A]; b < 0 || shareOf(w, p) > shareOf(w, w.Pairs[b]) {
			best[p.A] = k
		}
	}
	for _, i := range sortedByCode(w.A) {
		if best[i] < 0 {
			continue
		}
		p := w.Pairs[best[i]]
		r.BestFit = append(r.BestFit, BestFitRow{ACode: w.A[i].Code, AName: w.A[i].Name, BCode: w.B[p.B].Code, BName: w.B[p.B].Name, Share: round(shareOf(w, p), 6)})
	}
	if r.BestFit == nil {
		r.BestFit = []BestFitRow{}
	}
	return r
}

func shareOf(w *Weighted, p Pair) float64 {
	if w.Weight == ByPopulation && p.hasPop {
		return p.PopAInB
	}
	return p.ShareAInB
}

func sortedByCode(areas []place.Area) []int {
	idx := make([]int, len(areas))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(x, y int) bool { return areas[idx[x]].Code < areas[idx[y]].Code })
	return idx
}

func round(x float64, places int) float64 {
	p := 1.0
	for i := 0; i < places; i++ {
		p *= 10
	}
	if x >= 0 {
		return float64(int64(x*p+0.5)) / p
	}
	return -float64(int64(-x*p+0.5)) / p
}

func f(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// WriteCSV writes the many-to-many crosswalk, Geocorr style: one row per
// overlapping pair.
func (r Report) WriteCSV(w io.Writer) error {
	cw := csvcell.NewWriter(w)
	head := []string{"a_code", "a_name", "b_code", "b_name", "inter_m2", "share_a_in_b", "share_b_in_a", "iou", "class"}
	pop := len(r.Pairs) > 0 && r.Pairs[0].PopAInB != nil
	if pop {
		head = append(head, "pop_share_a_in_b", "pop_share_b_in_a")
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, p := range r.Pairs {
		row := []string{p.ACode, p.AName, p.BCode, p.BName, f(p.InterM2), f(p.ShareAInB), f(p.ShareBInA), f(p.IoU), string(p.Class)}
		if pop {
			row = append(row, f(*p.PopAInB), f(*p.PopBInA))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteLookup writes the best-fit lookup, ONS style: each A code with the B
// area holding most of it, under the source field names where known
// (LSOA11CD,WD13CD,WD13NM,share).
func (r Report) WriteLookup(w io.Writer, a, b place.BoundarySet) error {
	cw := csvcell.NewWriter(w)
	head := []string{field(a.CodeField, a.Slug, "code"), field(b.CodeField, b.Slug, "code"), field(b.NameField, b.Slug, "name"), "share"}
	if head[0] == head[1] {
		head[0], head[1] = head[0]+"_a", head[1]+"_b"
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, bf := range r.BestFit {
		if err := cw.Write([]string{bf.ACode, bf.BCode, bf.BName, f(bf.Share)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// field is a lookup heading: the source field name where it says what it
// is (WD13CD), else the set's slug with what the column holds.
func field(name, slug, what string) string {
	switch strings.ToLower(name) {
	case "", "code", "id", "name":
		return fmt.Sprintf("%s_%s", strings.ReplaceAll(slug, "-", "_"), what)
	}
	return name
}

// Faces returns the overlay faces as GeoJSON: each overlapping pair's
// shared ground with its figures. A crosswalk measured without faces has
// them built here.
func Faces(ctx context.Context, w *Weighted) (*geojson.FeatureCollection, error) {
	faces, err := w.FacesOf(ctx, w.Pairs)
	if err != nil {
		return nil, err
	}
	fc := geojson.NewFeatureCollection()
	for k, p := range w.Pairs {
		ft := geojson.NewFeature(rfc7946.Orient(faces[k]))
		ft.Properties = geojson.Properties{"a_code": w.A[p.A].Code, "a_name": w.A[p.A].Name, "b_code": w.B[p.B].Code, "b_name": w.B[p.B].Name,
			"inter_m2": round(p.InterM2, 2), "share_a_in_b": round(p.ShareAInB, 6), "share_b_in_a": round(p.ShareBInA, 6),
			"iou": round(p.IoU, 6), "class": string(p.Class)}
		fc.Append(ft)
	}
	return fc, nil
}
