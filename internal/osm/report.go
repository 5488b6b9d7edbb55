package osm

import (
	"sort"

	pgeo "github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// Report says what a contribution's file holds and what it leaves out, and
// why: for a person to read before uploading (the review panel, the
// command line's --report, GET /api/export/osmchange?report=json).
type Report struct {
	Format   string         `json:"format"` // osmchange or josm
	File     string         `json:"file"`   // the file's suggested name
	Summary  ReportSummary  `json:"summary"`
	Offered  []ReportAsset  `json:"offered"`  // in the file
	Blocked  []ReportAsset  `json:"blocked"`  // may not go: licence, kept out on review, geometry
	LeftOut  []ReportAsset  `json:"left_out"` // undecided, ambiguous, not conflated, changed since
	Unmapped []ReportKey    `json:"unmapped"` // keys of offered assets not written: the tag table does not map them
	Sources  []string       `json:"sources"`  // for the changeset's source tag
	Objects  map[string]int `json:"objects"`  // objects in the file: create_nodes, create_ways, modify_nodes
}

// ReportSummary counts the report's lists.
type ReportSummary struct {
	Offered  int `json:"offered"`
	Create   int `json:"create"` // assets offered as new objects
	Modify   int `json:"modify"` // assets offered as modifications
	Blocked  int `json:"blocked"`
	LeftOut  int `json:"left_out"`
	InOSM    int `json:"in_osm"` // OSM has them already: not in the file
	Unmapped int `json:"unmapped_keys"`
}

// ReportAsset is one asset in a report.
type ReportAsset struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Category string     `json:"category"`
	Licence  string     `json:"licence,omitempty"`
	At       [2]float64 `json:"at"`               // lon, lat of a point on it
	Action   string     `json:"action,omitempty"` // offered: create or modify
	Type     string     `json:"type,omitempty"`   // offered: node or way
	OSMID    int64      `json:"osm_id,omitempty"` // offered: the object's id in the file
	Reason   string     `json:"reason"`
}

// ReportKey is a key not written to OSM, and the assets that hold it.
type ReportKey struct {
	Key    string   `json:"key"`
	Count  int      `json:"count"`
	Assets []string `json:"assets"`
}

// NewReport describes a contribution written as format (osmchange or josm)
// to a file of that name.
func NewReport(c Changes, format, file string) Report {
	r := Report{Format: format, File: file, Offered: []ReportAsset{}, Blocked: []ReportAsset{}, LeftOut: []ReportAsset{},
		Unmapped: []ReportKey{}, Sources: c.Sources, Objects: map[string]int{}}
	if r.Sources == nil {
		r.Sources = []string{}
	}
	for _, o := range c.Offered {
		ra := reportAsset(o.Asset, o.Reason)
		ra.Action, ra.Type, ra.OSMID = o.Action, o.Type, o.ID
		r.Offered = append(r.Offered, ra)
		if o.Action == "modify" {
			r.Summary.Modify++
		} else {
			r.Summary.Create++
		}
	}
	for _, b := range c.Blocked {
		r.Blocked = append(r.Blocked, reportAsset(b.Asset, b.Reason))
	}
	for _, b := range c.LeftOut {
		r.LeftOut = append(r.LeftOut, reportAsset(b.Asset, b.Reason))
	}
	for _, l := range [][]ReportAsset{r.Offered, r.Blocked, r.LeftOut} {
		sort.SliceStable(l, func(i, j int) bool { return l[i].Name < l[j].Name })
	}
	for _, k := range c.Unmapped {
		r.Unmapped = append(r.Unmapped, ReportKey{Key: k.Key, Count: len(k.Assets), Assets: k.Assets})
	}
	for _, e := range c.Create {
		r.Objects["create_"+e.Type+"s"]++
	}
	for _, e := range c.Modify {
		r.Objects["modify_"+e.Type+"s"]++
	}
	r.Summary.Offered, r.Summary.Blocked, r.Summary.LeftOut = len(r.Offered), len(r.Blocked), len(r.LeftOut)
	r.Summary.InOSM, r.Summary.Unmapped = c.InOSM, len(r.Unmapped)
	return r
}

func reportAsset(a place.Asset, reason string) ReportAsset {
	ra := ReportAsset{ID: a.ID, Name: a.Name, Category: a.Category, Licence: a.Licence, Reason: reason}
	if a.Geometry != nil {
		p := pgeo.PointOnSurface(a.Geometry)
		ra.At = [2]float64{p[0], p[1]}
	}
	return ra
}
