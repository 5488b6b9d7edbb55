package importer

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/placemap/placemap/internal/csvcell"
	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// ReadOSMAssets reads the civic objects of an OSM file as assets, without
// storing them.
func ReadOSMAssets(ctx context.Context, open osm.Source, name string) ([]place.Asset, osm.Stats, error) {
	var out []place.Asset
	stats, err := osm.Read(ctx, open, name, osm.Options{Keep: osm.Civic, Sites: true}, func(o osm.Object) error {
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

// Conflate pairs the civic objects of an OSM file with the assets held.
func Conflate(ctx context.Context, st store.AssetLister, open osm.Source, name string) ([]osm.Match, error) {
	c, err := ConflateFile(ctx, st, open, name)
	return c.Matches, err
}

// Conflation is a conflation's outcome and the OSM objects it read.
type Conflation struct {
	File    string
	Matches []osm.Match
	OSM     []place.Asset
}

// ConflateFile pairs the civic objects of an OSM file with the assets
// held, keeping the objects read.
func ConflateFile(ctx context.Context, st store.AssetLister, open osm.Source, name string) (Conflation, error) {
	c := Conflation{File: name}
	local, err := store.AllAssets(ctx, st)
	if err != nil {
		return c, err
	}
	c.OSM, _, err = ReadOSMAssets(ctx, open, name)
	if err != nil {
		return c, err
	}
	c.Matches = osm.Conflate(local, c.OSM)
	return c, nil
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
