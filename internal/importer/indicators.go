package importer

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// IndicatorStore is what an indicator import needs.
type IndicatorStore interface {
	Set(ctx context.Context, slug string) (place.SetSummary, error)
	ImportIndicators(ctx context.Context, set string, inds []place.Indicator, values map[string]map[string]float64) error
}

// IndicatorOptions says which set a table's figures belong to and which
// columns to take.
type IndicatorOptions struct {
	Set                          string
	CodeField                    string
	Columns                      []formats.IndicatorColumn
	Source, Licence, Attribution string
}

// IndicatorResult says what was imported.
type IndicatorResult struct {
	Columns []formats.IndicatorColumn
	Counts  map[string]int // values per indicator
	Skipped []string       // numeric columns left out
}

// Indicators imports columns of a CSV table as indicators of a set, all or
// nothing.
func Indicators(ctx context.Context, st IndicatorStore, r io.Reader, name string, opts IndicatorOptions) (IndicatorResult, error) {
	var res IndicatorResult
	if _, err := st.Set(ctx, opts.Set); err != nil {
		return res, err
	}
	t, err := formats.ReadIndicators(r, name, opts.CodeField, opts.Columns)
	if err != nil {
		return res, err
	}
	inds := make([]place.Indicator, len(t.Columns))
	res.Counts = map[string]int{}
	for i, c := range t.Columns {
		title := c.Title
		if title == "" {
			title = c.Heading
		}
		inds[i] = place.Indicator{Name: c.Name, Title: title, Kind: c.Kind, Source: opts.Source, Licence: opts.Licence, Attribution: opts.Attribution}
		res.Counts[c.Name] = len(t.Values[c.Name])
	}
	if err := st.ImportIndicators(ctx, opts.Set, inds, t.Values); err != nil {
		return res, fmt.Errorf("import %s into %s: %w", name, opts.Set, err)
	}
	res.Columns, res.Skipped = t.Columns, t.Skipped
	return res, nil
}

// LinkStore is what suggesting place links needs.
type LinkStore interface {
	Sets(ctx context.Context) ([]place.SetSummary, error)
	Areas(ctx context.Context, set string, q store.AreaQuery) ([]place.Area, error)
}

// SuggestLinks finds, in every set, the areas named like the place (case,
// "&"/"and" and punctuation aside), leaving out sets already linked. The
// links are unconfirmed, with a note saying why they were suggested.
func SuggestLinks(ctx context.Context, st LinkStore, names []string, have []place.PlaceLink) ([]place.PlaceLink, error) {
	want := map[string]bool{}
	for _, n := range names {
		want[nameKey(n)] = true
	}
	linked := map[string]bool{}
	for _, l := range have {
		linked[l.Set] = true
	}
	sets, err := st.Sets(ctx)
	if err != nil {
		return nil, err
	}
	var out []place.PlaceLink
	for _, s := range sets {
		if linked[s.Slug] {
			continue
		}
		areas, err := store.AllAreas(ctx, st, s.Slug)
		if err != nil {
			return nil, err
		}
		for _, a := range areas {
			if want[nameKey(a.Name)] {
				out = append(out, place.PlaceLink{Set: s.Slug, Code: a.Code, Note: "same name: " + a.Name})
				break
			}
		}
	}
	return out, nil
}

func nameKey(s string) string {
	return place.Slugify(strings.ReplaceAll(s, "&", " and "))
}
