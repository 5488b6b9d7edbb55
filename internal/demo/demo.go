// Package demo loads the Sheffield demo described by seeds/demo.json from
// the embedded seeds and geodata into a store.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/placemap/placemap/geodata"
	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/seeds"
)

// Manifest is seeds/demo.json.
type Manifest struct {
	Title      string           `json:"title"`
	Sets       []SetEntry       `json:"sets"`
	Lookups    []LookupEntry    `json:"lookups"`
	Assets     []AssetsEntry    `json:"assets"`
	Indicators []IndicatorEntry `json:"indicators"`
	Places     PlacesEntry      `json:"places"`
}

// IndicatorEntry is a table of figures per area.
type IndicatorEntry struct {
	File        string   `json:"file"`
	Set         string   `json:"set"`
	CodeField   string   `json:"code_field"`
	Counts      []string `json:"counts"` // HEADING=name
	Rates       []string `json:"rates"`
	Source      string   `json:"source"`
	Licence     string   `json:"licence"`
	Attribution string   `json:"attribution"`
}

// PlacesEntry makes a place of every area of the first set whose name
// areas of the other sets share.
type PlacesEntry struct {
	Sets           []string `json:"sets"`
	MinDefinitions int      `json:"min_definitions"`
	Confirmed      []string `json:"confirmed"`
}

// SetEntry is a boundary file that becomes a set.
type SetEntry struct {
	File      string `json:"file"`
	CodeField string `json:"code_field"`
	NameField string `json:"name_field"`
	// Series makes the set a release of a series (its newest, so list the
	// releases in date order), with successor links from the one before.
	Series      string `json:"series,omitempty"`
	SeriesTitle string `json:"series_title,omitempty"`
	place.BoundarySet
}

// LookupEntry is a lookup table that builds a set from another set's areas.
type LookupEntry struct {
	File       string `json:"file"`
	Units      string `json:"units"`
	UnitField  string `json:"unit_field"`
	GroupField string `json:"group_field"`
	NameField  string `json:"name_field"`
	place.BoundarySet
}

// AssetsEntry is an asset file.
type AssetsEntry struct {
	File        string `json:"file"`
	Source      string `json:"source"`
	Licence     string `json:"licence"`
	Attribution string `json:"attribution"`
}

// ReadManifest reads the embedded demo manifest.
func ReadManifest() (Manifest, error) {
	var m Manifest
	b, err := fs.ReadFile(seeds.FS, "demo.json")
	if err != nil {
		return m, fmt.Errorf("read seeds/demo.json: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("seeds/demo.json: %w", err)
	}
	return m, nil
}

// open returns an embedded file: "seeds:NAME" from seeds/, else from geodata/.
func open(name string) (fs.File, error) {
	if rest, ok := strings.CutPrefix(name, "seeds:"); ok {
		return seeds.FS.Open(rest)
	}
	return geodata.FS.Open(name)
}

// Store is what the demo writes to.
type Store interface {
	importer.ReleaseStore
	ImportIndicators(ctx context.Context, set string, inds []place.Indicator, values map[string]map[string]float64) error
	SavePlace(ctx context.Context, p place.Place) error
}

// loadPlaces makes a place of every area of the first set whose name the
// other sets share, linking the areas of the same name as suggestions.
func loadPlaces(ctx context.Context, st Store, e PlacesEntry) (int, error) {
	if len(e.Sets) == 0 {
		return 0, nil
	}
	bySet := make([]map[string]place.Area, len(e.Sets))
	for i, set := range e.Sets {
		areas, err := st.Areas(ctx, set, store.AreaQuery{})
		if err != nil {
			return 0, err
		}
		bySet[i] = map[string]place.Area{}
		for _, a := range areas {
			bySet[i][place.Slugify(strings.ReplaceAll(a.Name, "&", " and "))] = a
		}
	}
	confirmed := map[string]bool{}
	for _, c := range e.Confirmed {
		confirmed[c] = true
	}
	n := 0
	for _, key := range slices.Sorted(maps.Keys(bySet[0])) {
		p := place.Place{Slug: key, Name: bySet[0][key].Name, AltNames: []string{}}
		for i, set := range e.Sets {
			if a, ok := bySet[i][key]; ok {
				p.Links = append(p.Links, place.PlaceLink{Set: set, Code: a.Code, Confirmed: confirmed[key], Note: "same name: " + a.Name})
			}
		}
		if len(p.Links) < e.MinDefinitions {
			continue
		}
		if err := st.SavePlace(ctx, p); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Load imports every set, lookup set and asset file of the demo into st.
func Load(ctx context.Context, st Store, log *slog.Logger) error {
	return LoadExcept(ctx, st, log)
}

// LoadExcept loads the demo without the boundary files of the given sets
// (and their indicators and place links): the demo as it was before a
// release, to import it as a user would.
func LoadExcept(ctx context.Context, st Store, log *slog.Logger, skip ...string) error {
	m, err := ReadManifest()
	if err != nil {
		return err
	}
	skipped := map[string]bool{}
	for _, s := range skip {
		skipped[s] = true
	}
	start := time.Now()
	for _, e := range m.Sets {
		if skipped[e.Slug] {
			continue
		}
		if err := loadSet(ctx, st, log, e); err != nil {
			return fmt.Errorf("demo set %s: %w", e.Slug, err)
		}
	}
	for _, e := range m.Lookups {
		if err := loadLookup(ctx, st, log, e); err != nil {
			return fmt.Errorf("demo set %s: %w", e.Slug, err)
		}
	}
	for _, e := range m.Assets {
		if err := loadAssets(ctx, st, log, e); err != nil {
			return fmt.Errorf("demo assets %s: %w", e.File, err)
		}
	}
	for _, e := range m.Indicators {
		if skipped[e.Set] {
			continue
		}
		if err := loadIndicators(ctx, st, log, e); err != nil {
			return fmt.Errorf("demo indicators %s: %w", e.File, err)
		}
	}
	m.Places.Sets = slices.DeleteFunc(m.Places.Sets, func(s string) bool { return skipped[s] })
	if n, err := loadPlaces(ctx, st, m.Places); err != nil {
		return fmt.Errorf("demo places: %w", err)
	} else if n > 0 {
		log.Info("demo places loaded", "places", n)
	}
	log.Info("demo loaded", "title", m.Title, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// loadSet imports a boundary set's file, as a release of its series when
// it has one.
func loadSet(ctx context.Context, st Store, log *slog.Logger, e SetEntry) error {
	f, err := open(e.File)
	if err != nil {
		return err
	}
	opts := formats.BoundaryOptions{CodeField: e.CodeField, NameField: e.NameField}
	var res importer.SetResult
	if e.Series != "" {
		var rr importer.ReleaseResult
		rr, err = importer.Release(ctx, st, f, e.File, e.BoundarySet, opts, importer.ReleaseOptions{Series: e.Series, SeriesTitle: e.SeriesTitle})
		res = rr.SetResult
	} else {
		res, err = importer.Set(ctx, st, f, e.File, e.BoundarySet, opts)
	}
	f.Close()
	if err != nil {
		return err
	}
	log.Info("demo set loaded", "set", e.Slug, "areas", res.Areas, "repaired", res.Repaired, "series", e.Series)
	return nil
}

// loadLookup builds a boundary set from a lookup table of units.
func loadLookup(ctx context.Context, st Store, log *slog.Logger, e LookupEntry) error {
	f, err := open(e.File)
	if err != nil {
		return err
	}
	res, err := importer.SetFromLookup(ctx, st, f, e.File, e.BoundarySet, importer.LookupOptions{
		Units: e.Units, UnitField: e.UnitField, GroupField: e.GroupField, NameField: e.NameField})
	f.Close()
	if err != nil {
		return err
	}
	log.Info("demo set loaded", "set", e.Slug, "areas", res.Areas, "from", e.Units, "unassigned_units", len(res.Unassigned))
	return nil
}

// loadAssets imports an assets file.
func loadAssets(ctx context.Context, st Store, log *slog.Logger, e AssetsEntry) error {
	f, err := open(e.File)
	if err != nil {
		return err
	}
	rep, err := importer.Assets(ctx, st, f, e.File, formats.AssetOptions{Source: e.Source, Licence: e.Licence, Attribution: e.Attribution})
	f.Close()
	if err != nil {
		return err
	}
	log.Info("demo assets loaded", "file", e.File, "assets", rep.Assets, "memberships", rep.Memberships)
	return nil
}

// loadIndicators imports an indicator table, its columns in name order.
func loadIndicators(ctx context.Context, st Store, log *slog.Logger, e IndicatorEntry) error {
	f, err := open(e.File)
	if err != nil {
		return err
	}
	opts := importer.IndicatorOptions{Set: e.Set, CodeField: e.CodeField, Source: e.Source, Licence: e.Licence, Attribution: e.Attribution}
	for kind, cols := range map[string][]string{"count": e.Counts, "rate": e.Rates} {
		for _, c := range cols {
			opts.Columns = append(opts.Columns, formats.ParseIndicatorColumn(c, kind))
		}
	}
	sort.Slice(opts.Columns, func(i, j int) bool { return opts.Columns[i].Name < opts.Columns[j].Name })
	res, err := importer.Indicators(ctx, st, f, e.File, opts)
	f.Close()
	if err != nil {
		return err
	}
	log.Info("demo indicators loaded", "set", e.Set, "indicators", len(res.Columns))
	return nil
}
