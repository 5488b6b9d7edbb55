package importer

import (
	"context"
	"fmt"
	"sort"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// OSM licence and attribution carried by every asset and area read from
// OpenStreetMap (ODbL 1.0: attribution and share-alike).
const (
	OSMSource      = "OpenStreetMap"
	OSMLicence     = "ODbL-1.0"
	OSMAttribution = "© OpenStreetMap contributors, ODbL 1.0"
)

// OSMOptions says what to take from an OpenStreetMap file.
type OSMOptions struct {
	BBox       *orb.Bound
	Categories []string // category ids to keep; none for every civic category
	Progress   func(osm.Progress)
	// MaxDecompressed bounds what the file may decompress to
	// (osm.Options.MaxDecompressed); 0 for the default.
	MaxDecompressed int64
}

// OSMResult says what an OSM import read and wrote.
type OSMResult struct {
	Stats      osm.Stats
	ByCategory map[string]int
	Unplaced   []string // kept objects without geometry (cut by the extract's edge)
	Skipped    []string // kept relations that are not areas (type=site, no type...)
	store.ImportReport
}

// OSMAssets imports the civic objects of an OpenStreetMap file (PBF, XML,
// Overpass JSON) as assets, all or nothing, each carrying its OSM ref,
// version and timestamp and the ODbL licence.
func OSMAssets(ctx context.Context, st Store, open osm.Source, name string, opts OSMOptions) (OSMResult, error) {
	res := OSMResult{ByCategory: map[string]int{}}
	want := map[string]bool{}
	for _, c := range opts.Categories {
		if _, ok := place.CategoryByID(c); !ok {
			return res, place.Errorf(place.EINVALID, "category %q is not one of the list", c)
		}
		want[c] = true
	}
	// The category filter applies to the asset, not the raw tags, so a
	// closed library (disused:amenity=library) is still a library.
	keep := osm.Civic
	var assets []place.Asset
	stats, err := osm.Read(ctx, open, name, osm.Options{Keep: keep, BBox: opts.BBox, Progress: opts.Progress, Sites: true, MaxDecompressed: opts.MaxDecompressed}, func(o osm.Object) error {
		if o.Geometry == nil {
			res.Unplaced = append(res.Unplaced, o.Ref())
			return nil
		}
		a, ok := osmAsset(o)
		if !ok || (len(want) > 0 && !want[a.Category]) {
			return nil
		}
		assets = append(assets, a)
		res.ByCategory[a.Category]++
		return nil
	})
	res.Stats = stats
	res.Skipped = stats.Skipped
	if err != nil {
		return res, err
	}
	if len(assets) == 0 {
		return res, place.Errorf(place.EINVALID, "%s: no civic objects to import (read %d nodes, %d ways, %d relations)", name, stats.Nodes, stats.Ways, stats.Relations)
	}
	sort.SliceStable(assets, func(i, j int) bool { return assets[i].SourceID < assets[j].SourceID })
	AssignIDs(assets)
	rep, err := st.AddAssets(ctx, assets)
	if err != nil {
		return res, fmt.Errorf("import %s: %w", name, err)
	}
	res.ImportReport = rep
	return res, nil
}

// osmAsset maps an OSM object to an asset. Many playgrounds, toilets and
// parks carry no name in OSM: they are named for what they are, and the
// name is marked as placemap's so it is never written back to OSM.
func osmAsset(o osm.Object) (place.Asset, bool) {
	a, ok := osm.ToAsset(o, OSMSource, OSMLicence, OSMAttribution)
	if !ok {
		return a, false
	}
	if a.Name == "" {
		if c, ok := place.CategoryByID(a.Category); ok {
			a.Name = c.Title
		}
		if a.Tags == nil {
			a.Tags = map[string]string{}
		}
		a.Tags[osm.UnnamedTag] = "yes"
	}
	return a, true
}

// OSMBoundaries imports the boundaries of an OpenStreetMap file
// (administrative at adminLevel, or every boundary and place polygon when
// adminLevel is 0) as a new boundary set. maxDecompressed bounds what the
// file may decompress to (0 for the default).
func OSMBoundaries(ctx context.Context, st Store, open osm.Source, name string, set place.BoundarySet, adminLevel int, bbox *orb.Bound, progress func(osm.Progress), maxDecompressed int64) (SetResult, error) {
	var res SetResult
	if err := set.Validate(); err != nil {
		return res, err
	}
	keep := func(tags map[string]string) bool {
		return osm.Boundary(tags) && (adminLevel == 0 || osm.AdminLevel(tags) == adminLevel)
	}
	var areas []place.Area
	var skipped []string
	_, err := osm.Read(ctx, open, name, osm.Options{Keep: keep, BBox: bbox, Progress: progress, MaxDecompressed: maxDecompressed}, func(o osm.Object) error {
		a, ok := osm.ToArea(o)
		if !ok {
			skipped = append(skipped, o.Ref())
			return nil
		}
		areas = append(areas, a)
		return nil
	})
	if err != nil {
		return res, err
	}
	if len(areas) == 0 {
		return res, place.Errorf(place.EINVALID, "%s: no complete boundaries to import", name)
	}
	sort.SliceStable(areas, func(i, j int) bool { return areas[i].Code < areas[j].Code })
	set.CodeField, set.NameField = "ref:gss", "name"
	if set.Licence == "" {
		set.Licence, set.Attribution, set.Source = OSMLicence, OSMAttribution, OSMSource+" ("+name+")"
	}
	rep, err := st.ImportSet(ctx, set, areas)
	if err != nil {
		return res, fmt.Errorf("import %s as %s: %w", name, set.Slug, err)
	}
	res.ImportReport = rep
	if len(skipped) > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d boundaries left out: their geometry is incomplete in the file (%v…)", len(skipped), skipped[:min(5, len(skipped))]))
	}
	return res, nil
}
