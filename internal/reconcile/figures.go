package reconcile

import (
	"context"
	"io"
	"sort"
	"strconv"

	"github.com/placemap/placemap/internal/csvcell"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// PerResidents is the number of residents a per-head rate is given per:
// "libraries per 10,000 residents".
const PerResidents = 10000

// FigureQuery asks for an indicator's figures on a set.
type FigureQuery struct {
	Set    string // the set the figures are for
	Name   string // the indicator
	From   string // the set whose values are moved onto Set; "" or Set for its own
	Weight Weight // how moved values are weighed: area or population
	Per    int    // 0 for the figures as they are, PerResidents for per head (counts only)
}

// Figures are an indicator's figures on the areas of a set, with where
// they came from and how: what the Figures view shows and its CSV holds.
type Figures struct {
	IndicatorInfo
	From       string             // the set the values come from
	Method     string             // how they were moved, or "the set's own values"
	Per        int                // 0, or the residents the values are per
	Population *Population        // where the residents came from, for per-head figures
	Values     map[string]float64 // by area code; an area with no figure is absent
	// Assets, for an indicator of kind asset, names the asset each value
	// (an FID) stands for, by area code; an asset since deleted is absent.
	Assets map[string]store.AssetRef
}

// assetNamer is the store's look-up of assets by FID, for indicators of
// kind asset.
type assetNamer interface {
	AssetsByFID(ctx context.Context, fids []int64) (map[int64]store.AssetRef, error)
}

// nameAssets fills f.Assets when f is of kind asset and the source can
// look assets up.
func (s *Service) nameAssets(ctx context.Context, f *Figures) error {
	n, ok := s.src.(assetNamer)
	if f.Kind != Asset || !ok {
		return nil
	}
	fids := make([]int64, 0, len(f.Values))
	for _, v := range f.Values {
		fids = append(fids, int64(v))
	}
	found, err := n.AssetsByFID(ctx, fids)
	if err != nil {
		return err
	}
	f.Assets = make(map[string]store.AssetRef, len(f.Values))
	for code, v := range f.Values {
		if a, ok := found[int64(v)]; ok {
			f.Assets[code] = a
		}
	}
	return nil
}

// OwnValues is the method of figures that were not moved.
const OwnValues = "the set's own values"

// Figures returns an indicator's figures on a set: its own or moved from
// another set, and per PerResidents residents when q.Per asks. A per-head
// figure is the count divided by the area's residents (see Residents);
// areas with no or zero residents have no figure. Errors: ENOTFOUND for an
// unknown set or indicator, EINVALID for a per-head rate of a rate or a
// per other than PerResidents.
func (s *Service) Figures(ctx context.Context, q FigureQuery) (Figures, error) {
	if q.Per != 0 && q.Per != PerResidents {
		return Figures{}, place.Errorf(place.EINVALID, "per %d: want %d (per %s residents) or none", q.Per, PerResidents, "10,000")
	}
	var f Figures
	if q.From == "" || q.From == q.Set {
		if q.Weight != "" {
			return Figures{}, place.Errorf(place.EINVALID, "weight applies only when moving an indicator from another set (from=)")
		}
		info, values, err := s.Values(ctx, q.Set, q.Name)
		if err != nil {
			return Figures{}, err
		}
		f = Figures{IndicatorInfo: info, From: q.Set, Method: OwnValues, Values: values}
		if err := s.nameAssets(ctx, &f); err != nil {
			return Figures{}, err
		}
	} else {
		if _, err := s.src.Set(ctx, q.Set); err != nil {
			return Figures{}, err
		}
		moved, err := s.Move(ctx, q.From, q.Name, q.Set, q.Weight)
		if err != nil {
			return Figures{}, err
		}
		f = Figures{IndicatorInfo: moved.IndicatorInfo, From: q.From, Method: moved.Method, Values: moved.Values}
	}
	if q.Per == 0 {
		return f, nil
	}
	if f.Kind != Count {
		return Figures{}, place.Errorf(place.EINVALID, "per %d residents: indicator %q is a %s, and only counts can be given per head", q.Per, q.Name, f.Kind)
	}
	residents, pop, err := s.Residents(ctx, q.Set)
	if err != nil {
		return Figures{}, err
	}
	f.Values = PerHead(f.Values, residents, float64(q.Per))
	f.Per, f.Population = q.Per, &pop
	return f, nil
}

// PerMethod says how per-head figures were made, "" for figures as they are.
func (f Figures) PerMethod() string {
	if f.Per == 0 || f.Population == nil {
		return ""
	}
	return "per " + strconv.Itoa(f.Per) + " residents: divided by the area's " + f.Population.Indicator + " from " + f.Population.Set +
		" (" + f.Population.Basis + ") and multiplied by " + strconv.Itoa(f.Per) + "; no figure where there are no residents"
}

// PerHead divides each count by its area's residents and multiplies by
// per. An area with no residents known, or none at all, has no figure
// (rather than an infinite one).
func PerHead(counts, residents map[string]float64, per float64) map[string]float64 {
	out := make(map[string]float64, len(counts))
	for code, n := range counts {
		if r, ok := residents[code]; ok && r > 0 {
			out[code] = n / r * per
		}
	}
	return out
}

// ResidentsBasis says how an area's residents are counted for per-head figures.
const ResidentsBasis = "the " + PopulationIndicator + " count of the finest boundary set that carries one; on other sets, " + PopulationBasis

// Residents returns the residents of each area of set, by the rule that
// also gives population weights (see population: the count named
// PopulationIndicator of the finest set carrying one, Output Areas in the
// demo): its own values there, and elsewhere each block's whole count
// given to its best-fit area (PopulationBasis). Errors: EINVALID when no
// set carries a population.
func (s *Service) Residents(ctx context.Context, set string) (map[string]float64, Population, error) {
	blocks, values, err := s.population(ctx, "per head")
	if err != nil {
		return nil, Population{}, err
	}
	if blocks == set {
		return values, Population{Set: blocks, Indicator: PopulationIndicator, Basis: OwnValues}, nil
	}
	cw, err := s.Crosswalk(ctx, blocks, set)
	if err != nil {
		return nil, Population{}, err
	}
	return bestFitSums(cw, values), Population{Set: blocks, Indicator: PopulationIndicator, Basis: PopulationBasis}, nil
}

// bestFitSums gives each A area's value whole to its best-fit B area.
func bestFitSums(cw *Crosswalk, values map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for i, a := range cw.A {
		v, ok := values[a.Code]
		if !ok || i >= len(cw.BestFit) || cw.BestFit[i] < 0 {
			continue
		}
		out[cw.B[cw.Pairs[cw.BestFit[i]].B].Code] += v
	}
	return out
}

// FigureRow is one area in a figures table.
type FigureRow struct {
	Code, Name string
}

// FiguresCSVHeader is the first line of WriteFiguresCSV.
var FiguresCSVHeader = []string{"set", "code", "name", "indicator", "value", "per", "source_set", "method"}

// WriteFiguresCSV writes one row per area (in the order given) with its
// figure in full precision, empty where it has none; per is empty for
// figures as they are. Cells go through csvcell, so names cannot become
// formulas.
func WriteFiguresCSV(w io.Writer, set string, areas []FigureRow, f Figures) error {
	cw := csvcell.NewWriter(w)
	if err := cw.Write(FiguresCSVHeader); err != nil {
		return err
	}
	per, method := "", f.Method
	if f.Per != 0 {
		per = strconv.Itoa(f.Per)
		method += "; " + f.PerMethod()
	}
	for _, a := range areas {
		value := ""
		if v, ok := f.Values[a.Code]; ok {
			value = strconv.FormatFloat(v, 'g', -1, 64)
		}
		if err := cw.Write([]string{set, a.Code, a.Name, f.Name, value, per, f.From, method}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// SortRowsByCode orders rows by code, the CSV's order.
func SortRowsByCode(rows []FigureRow) {
	sort.Slice(rows, func(i, j int) bool { return rows[i].Code < rows[j].Code })
}
