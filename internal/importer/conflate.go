package importer

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/csvcell"
	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// ReadOSMAssets reads the civic objects of an OSM file as assets, without
// storing them. maxDecompressed bounds what the file may decompress to
// (osm.Options.MaxDecompressed; 0 for the default).
func ReadOSMAssets(ctx context.Context, open osm.Source, name string, maxDecompressed int64) ([]place.Asset, osm.Stats, error) {
	var out []place.Asset
	stats, err := osm.Read(ctx, open, name, osm.Options{Keep: osm.Civic, Sites: true, MaxDecompressed: maxDecompressed}, func(o osm.Object) error {
		if o.Geometry == nil {
			return nil
		}
		if a, ok := osmAsset(o); ok {
			out = append(out, a)
		}
		return nil
	})
	AssignIDs(out)
	return out, stats, err
}

// Conflation is a conflation's outcome, the OSM objects it read and the
// ground the file covers.
type Conflation struct {
	File    string
	Matches []osm.Match // every line but "only here" ones outside the file's ground (see Outside)
	OSM     []place.Asset
	Local   []place.Asset // the assets compared
	// Bounds is what the file covers (osm.FileBounds: its header's bbox,
	// else the extent of its data; BoundsFrom says which, "" for a file
	// with neither, which covers nothing).
	Bounds     orb.Bound
	BoundsFrom string
	// Outside are the assets no OSM object matched that lie outside the
	// file's ground (osm.CoversAsset): nothing says OSM lacks them.
	Outside []place.Asset
}

// Covers reports whether the file covers an asset (osm.CoversAsset).
func (c Conflation) Covers(a place.Asset) bool {
	return c.BoundsFrom != "" && osm.CoversAsset(c.Bounds, a)
}

// ConflateFile pairs the civic objects of an OSM file with the assets
// held, keeping the objects read, and works out the ground the file
// covers: assets outside it are never "only here". maxDecompressed bounds
// what the file may decompress to (0 for the default); past it the error is
// ETOOLARGE.
func ConflateFile(ctx context.Context, st store.AssetLister, open osm.Source, name string, maxDecompressed int64) (Conflation, error) {
	c := Conflation{File: name}
	var err error
	c.Local, err = store.AllAssets(ctx, st)
	if err != nil {
		return c, err
	}
	c.OSM, _, err = ReadOSMAssets(ctx, open, name, maxDecompressed)
	if err != nil {
		return c, err
	}
	if c.Bounds, c.BoundsFrom, err = osm.FileBounds(ctx, open, name, maxDecompressed); err != nil {
		return c, err
	}
	c.Matches, c.Outside = osm.Within(osm.Conflate(c.Local, c.OSM), c.Covers)
	return c, nil
}

// Coverage says how much of the assets compared a conflation's file
// covers, and warns when it is not all of them.
type Coverage struct {
	BBox       *[4]float64 `json:"bbox"` // minlon, minlat, maxlon, maxlat; null when the file covers nothing
	BoundsFrom string      `json:"bounds_from"`
	Compared   int         `json:"compared"` // assets compared (in the runner's scope)
	Covered    int         `json:"covered"`  // of those, the ones inside the file's ground
	Overlap    float64     `json:"overlap"`  // covered / compared, 0 to 1
	Outside    int         `json:"outside"`  // compared, not covered, and matched by nothing: not marked "only here"
	Warning    string      `json:"warning,omitempty"`
}

// CoverageOf works out the coverage of c over the assets compared.
func CoverageOf(c Conflation, compared []place.Asset, outside int) Coverage {
	cv := Coverage{BoundsFrom: c.BoundsFrom, Compared: len(compared), Outside: outside, Overlap: 1}
	if c.BoundsFrom != "" {
		b := c.Bounds
		cv.BBox = &[4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	}
	for _, a := range compared {
		if c.Covers(a) {
			cv.Covered++
		}
	}
	if cv.Compared > 0 {
		cv.Overlap = float64(cv.Covered) / float64(cv.Compared)
	}
	switch {
	case cv.Compared == 0:
	case c.BoundsFrom == "":
		cv.Warning = fmt.Sprintf("%s declares no bounds and holds no positions: it covers none of the %d assets here, so none is marked \"only here\"", c.File, cv.Compared)
	case cv.Covered < cv.Compared:
		from := "its header's bounds"
		if c.BoundsFrom == osm.BoundsData {
			from = "the extent of its data"
		}
		cv.Warning = fmt.Sprintf("%s covers %d of the %d assets here (%.0f%% overlap; %s: %s): %d outside are not marked \"only here\", since OSM may have them beyond the file's edge; conflate an extract that covers them",
			c.File, cv.Covered, cv.Compared, math.Floor(100*cv.Overlap), from, formatBBox(c.Bounds), cv.Compared-cv.Covered)
	}
	return cv
}

func formatBBox(b orb.Bound) string {
	return strconv.FormatFloat(b.Min[0], 'f', 4, 64) + "," + strconv.FormatFloat(b.Min[1], 'f', 4, 64) + "," +
		strconv.FormatFloat(b.Max[0], 'f', 4, 64) + "," + strconv.FormatFloat(b.Max[1], 'f', 4, 64)
}

// WriteConflationCSV writes one line per outcome, for a person to review.
func WriteConflationCSV(w io.Writer, ms []osm.Match) error {
	cw := csvcell.NewWriter(w)
	_ = cw.Write([]string{"outcome", "by", "local_id", "local_name", "local_category", "osm_ref", "osm_name", "osm_category",
		"distance_m", "name_score", "candidates", "differences"})
	for _, m := range ms {
		row := make([]string, 12)
		row[0], row[1] = string(m.Outcome), m.By
		if m.Local != nil {
			row[2], row[3], row[4] = m.Local.ID, m.Local.Name, m.Local.Category
		}
		if m.OSM != nil {
			row[5], row[6], row[7] = m.OSM.SourceID, m.OSM.Name, m.OSM.Category
		}
		if m.Outcome == osm.Matched {
			row[8], row[9] = fmt.Sprintf("%.1f", m.DistanceM), fmt.Sprintf("%.2f", m.NameScore)
		}
		row[10] = strings.Join(m.Candidates, " ")
		var diffs []string
		for _, d := range m.Diff {
			diffs = append(diffs, fmt.Sprintf("%s: %q here, %q in OSM", d.Key, d.Local, d.OSM))
		}
		row[11] = strings.Join(diffs, "; ")
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
