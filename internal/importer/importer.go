// Package importer turns files into boundary sets and assets in a store:
// read (formats), check (place), dissolve (geo), write (store), each import
// all-or-nothing.
package importer

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// Store is what imports need from a store.
type Store interface {
	ImportSet(ctx context.Context, set place.BoundarySet, areas []place.Area) (store.ImportReport, error)
	AddAssets(ctx context.Context, assets []place.Asset) (store.ImportReport, error)
	Areas(ctx context.Context, set string, q store.AreaQuery) ([]place.Area, error)
}

// SetResult says what a set import did.
type SetResult struct {
	store.ImportReport
	CodeField, NameField string
	Repaired             []string // codes of areas whose geometry was repaired
	Unassigned           []string // set-from-lookup: units of the unit set in no group
	Notes                []string // anything else a person should know
	// Skipped, with BoundaryOptions.SkipInvalid, lists the features left
	// out and why; the set's provenance records them too.
	Skipped []place.SkippedFeature
}

// Set imports a GeoJSON boundary file as a new boundary set.
func Set(ctx context.Context, st Store, r io.Reader, name string, set place.BoundarySet, opts formats.BoundaryOptions) (SetResult, error) {
	areas, res, err := readSet(r, name, &set, opts)
	if err != nil {
		return res, err
	}
	rep, err := st.ImportSet(ctx, set, areas)
	if err != nil {
		return res, fmt.Errorf("import %s as %s: %w", name, set.Slug, err)
	}
	res.ImportReport = rep
	return res, nil
}

// readSet checks a set's fields and reads its boundary file, noting in the
// result what was detected and repaired and in the set where codes and
// names came from.
func readSet(r io.Reader, name string, set *place.BoundarySet, opts formats.BoundaryOptions) ([]place.Area, SetResult, error) {
	var res SetResult
	if err := set.Validate(); err != nil {
		return nil, res, err
	}
	bf, err := formats.ReadBoundaries(r, name, opts)
	if err != nil {
		return nil, res, err
	}
	res.CodeField, res.NameField, res.Repaired, res.Notes, res.Skipped = bf.CodeField, bf.NameField, bf.Repaired, bf.Notes, bf.Skipped
	set.CodeField, set.NameField = bf.CodeField, bf.NameField
	if opts.SkipInvalid {
		skipped := bf.Skipped
		if skipped == nil {
			skipped = []place.SkippedFeature{}
		}
		set.Provenance = &place.Provenance{File: name, SkipInvalid: true, Features: bf.Features, Skipped: skipped}
	}
	for i := range bf.Areas {
		bf.Areas[i].Set = set.Slug
	}
	return bf.Areas, res, nil
}

// LookupOptions says how a lookup table builds a set from the areas (units)
// of another set.
type LookupOptions struct {
	Units      string // slug of the set whose areas are the building blocks
	UnitField  string // the lookup column holding unit codes
	GroupField string // the column holding the code of the area each unit belongs to
	NameField  string // the column holding the group's name; "" to use the code
}

// SetFromLookup builds a set by dissolving the units of one set by a lookup
// table: each group's area is the union of its units. A unit in the lookup
// that the unit set lacks is an error; units of the set that the lookup
// leaves out are reported, not guessed.
func SetFromLookup(ctx context.Context, st Store, r io.Reader, name string, set place.BoundarySet, opts LookupOptions) (SetResult, error) {
	var res SetResult
	if err := set.Validate(); err != nil {
		return res, err
	}
	rows, err := formats.ReadLookup(r, name, opts.UnitField, opts.GroupField, opts.NameField)
	if err != nil {
		return res, err
	}
	units, err := store.AllAreas(ctx, st, opts.Units)
	if err != nil {
		return res, fmt.Errorf("units for %s: %w", name, err)
	}
	byCode := make(map[string]place.Area, len(units))
	for _, u := range units {
		byCode[u.Code] = u
	}
	type group struct {
		name  string
		parts []orb.MultiPolygon
		units []string
	}
	groups := map[string]*group{}
	var order []string
	used := map[string]bool{}
	for _, row := range rows {
		u, ok := byCode[row.Unit]
		if !ok {
			return res, place.Errorf(place.EINVALID, "%s: line %d: field %q: unit %q is not an area of boundary set %s",
				name, row.Line, opts.UnitField, row.Unit, opts.Units)
		}
		g := groups[row.Group]
		if g == nil {
			g = &group{name: row.GroupName}
			groups[row.Group] = g
			order = append(order, row.Group)
		}
		if !used[row.Unit] {
			g.parts = append(g.parts, u.Geometry)
			g.units = append(g.units, row.Unit)
			used[row.Unit] = true
		}
	}
	for _, u := range units {
		if !used[u.Code] {
			res.Unassigned = append(res.Unassigned, u.Code)
		}
	}
	sortCodes(order)
	set.CodeField, set.NameField = opts.GroupField, opts.NameField
	areas := make([]place.Area, 0, len(order))
	for _, code := range order {
		g := groups[code]
		mp, err := geo.Dissolve(g.parts)
		if err != nil {
			return res, fmt.Errorf("%s: dissolve the %d units of group %q: %w", name, len(g.parts), code, err)
		}
		areas = append(areas, place.Area{Code: code, Name: g.name, Geometry: mp,
			Properties: map[string]any{"unit_set": opts.Units, "unit_count": len(g.units)}})
	}
	rep, err := st.ImportSet(ctx, set, areas)
	if err != nil {
		return res, fmt.Errorf("import %s as %s: %w", name, set.Slug, err)
	}
	res.ImportReport = rep
	return res, nil
}

// sortCodes orders codes numerically when they all are numbers ("2" before
// "10"), otherwise as text.
func sortCodes(codes []string) {
	numeric := true
	for _, c := range codes {
		if _, err := strconv.Atoi(c); err != nil {
			numeric = false
			break
		}
	}
	sort.SliceStable(codes, func(i, j int) bool {
		if numeric {
			a, _ := strconv.Atoi(codes[i])
			b, _ := strconv.Atoi(codes[j])
			return a < b
		}
		return codes[i] < codes[j]
	})
}

// assetNamespace makes asset ids: the same source record always gets the
// same id, so importing a file twice is a conflict, not a duplicate.
var assetNamespace = uuid.MustParse("5f2b9f6e-4c0d-4a8e-9b57-0c1e7f3a9d21")

// AssignIDs gives every asset without an id one derived from its source
// and source id (or, without one, its name and location), so the same
// record always gets the same id.
func AssignIDs(assets []place.Asset) {
	for i := range assets {
		a := &assets[i]
		if a.ID != "" {
			continue
		}
		key := a.Source + "\x00" + a.SourceID
		if a.SourceID == "" {
			pt := geo.PointOnSurface(a.Geometry)
			key = a.Source + "\x00" + a.Name + "\x00" + strconv.FormatFloat(pt[0], 'f', 7, 64) + "," + strconv.FormatFloat(pt[1], 'f', 7, 64)
		}
		a.ID = uuid.NewSHA1(assetNamespace, []byte(key)).String()
	}
}

// Assets imports an asset file (GeoJSON or CSV) and places every asset in
// every set.
func Assets(ctx context.Context, st Store, r io.Reader, name string, opts formats.AssetOptions) (store.ImportReport, error) {
	assets, err := formats.ReadAssets(r, name, opts)
	if err != nil {
		return store.ImportReport{}, err
	}
	if len(assets) == 0 {
		return store.ImportReport{}, place.Errorf(place.EINVALID, "%s: no assets", name)
	}
	AssignIDs(assets)
	rep, err := st.AddAssets(ctx, assets)
	if err != nil {
		return rep, fmt.Errorf("import %s: %w", name, err)
	}
	return rep, nil
}

// DrawingStore is what importing drawings needs from a store.
type DrawingStore interface {
	Place(ctx context.Context, slug string) (place.Place, error)
	ImportDrawings(ctx context.Context, placeSlug string, ds []place.Drawing) (int, error)
}

// Drawings imports a GeoJSON file of residents' drawings of a place,
// published, all or none: each drawing's source is "import: NAME", a
// drawing with no name takes the place's. It returns how many it added.
func Drawings(ctx context.Context, st DrawingStore, r io.Reader, name, placeSlug string, opts formats.DrawingOptions) (int, error) {
	p, err := st.Place(ctx, placeSlug)
	if err != nil {
		return 0, err
	}
	ds, err := formats.ReadDrawings(r, name, opts)
	if err != nil {
		return 0, err
	}
	for i := range ds {
		ds[i].ID, ds[i].Source = uuid.NewString(), "import: "+name
		if ds[i].Name == "" {
			ds[i].Name = p.Name
		}
	}
	n, err := st.ImportDrawings(ctx, placeSlug, ds)
	if err != nil {
		return 0, fmt.Errorf("import %s: %w", name, err)
	}
	return n, nil
}
