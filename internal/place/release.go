package place

import (
	"sort"
	"strings"
	"time"
)

// Series is one boundary set over time: its releases ("sheffield-wards":
// wards-2013, wards-2019), each a boundary set of its own, never
// overwritten. One release is current: what maps and lists show unless
// asked for another.
type Series struct {
	Slug     string   `json:"slug"`
	Title    string   `json:"title"`
	Current  string   `json:"current"`  // the current release's set slug
	Releases []string `json:"releases"` // set slugs, oldest first
}

// Next returns the release after set in the series, or "".
func (s Series) Next(set string) string {
	for i, r := range s.Releases {
		if r == set && i+1 < len(s.Releases) {
			return s.Releases[i+1]
		}
	}
	return ""
}

// OrderReleases sorts sets into release order: by release date (YYYY,
// YYYY-MM or YYYY-MM-DD compare as text), undated last, then by slug.
func OrderReleases(sets []BoundarySet) {
	sort.SliceStable(sets, func(i, j int) bool {
		a, b := sets[i].ReleaseDate, sets[j].ReleaseDate
		if (a == "") != (b == "") {
			return b == ""
		}
		if a != b {
			return a < b
		}
		return sets[i].Slug < sets[j].Slug
	})
}

// SuccessorStatus says who stands behind a successor link.
type SuccessorStatus string

// Successor link statuses.
const (
	LinkComputed  SuccessorStatus = "computed"  // from the crosswalk of the two releases, not yet looked at
	LinkConfirmed SuccessorStatus = "confirmed" // computed, and a person agreed
	LinkCorrected SuccessorStatus = "corrected" // added by a person
	LinkRejected  SuccessorStatus = "rejected"  // computed, and a person said no: kept for the record, not followed
)

// ValidSuccessorStatus reports whether s is a known status.
func ValidSuccessorStatus(s SuccessorStatus) bool {
	switch s {
	case LinkComputed, LinkConfirmed, LinkCorrected, LinkRejected:
		return true
	}
	return false
}

// Successor links an area of one release to an area of a later release of
// the same series that takes some of its ground.
type Successor struct {
	OldSet     string          `json:"old_set"`
	OldCode    string          `json:"old_code"`
	NewSet     string          `json:"new_set"`
	NewCode    string          `json:"new_code"`
	ShareOfOld float64         `json:"share_of_old"` // of the old area's ground, the part in the new area
	ShareOfNew float64         `json:"share_of_new"` // of the new area's ground, the part from the old area
	IoU        float64         `json:"iou"`
	Status     SuccessorStatus `json:"status"`
	DecidedBy  string          `json:"decided_by,omitempty"` // the account that confirmed, corrected or rejected it
	DecidedAt  *time.Time      `json:"decided_at,omitempty"`
	Note       string          `json:"note,omitempty"`
}

// Followed reports whether the link stands: anything but rejected.
func (s Successor) Followed() bool { return s.Status != LinkRejected }

// ChangeClass is what became of an area from one release to the next: the
// class ClassifyChanges puts it in.
type ChangeClass string

// The change classes. An old area is unchanged, renamed, redrawn, split,
// merged or retired; an area of the new release with no predecessor is new.
const (
	Unchanged ChangeClass = "unchanged" // the same ground (IoU ≥ SameIoU), code and name
	Renamed   ChangeClass = "renamed"   // the same ground, another code or name
	Redrawn   ChangeClass = "redrawn"   // one main successor, its lines moved
	Split     ChangeClass = "split"     // its ground went in large parts to two or more areas
	Merged    ChangeClass = "merged"    // its one main successor also took large parts of others
	Retired   ChangeClass = "retired"   // no successor: its ground is outside the new release
	NewArea   ChangeClass = "new"       // (new release) no predecessor
)

// Thresholds of the classification.
const (
	// SameIoU is how alike two areas' ground must be to count as the same.
	SameIoU = 0.99
	// PartShare is the share of an area that counts as a large part: an old
	// area is split when two or more new areas each take at least this much
	// of it, and its successor is a merger when two or more old areas each
	// give at least this much of the successor's ground.
	PartShare = 0.2
	// KeptShare is the least share of an old area's ground that must go
	// somewhere for it not to be retired.
	KeptShare = 0.01
)

// AreaRef names an area of a release.
type AreaRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// AreaChange is the classification of one area between two releases, with
// the links it rests on, largest share first.
type AreaChange struct {
	Set          string      `json:"set"`
	Code         string      `json:"code"`
	Name         string      `json:"name"`
	Change       ChangeClass `json:"change"`
	Successors   []Successor `json:"successors,omitempty"`   // of an old area
	Predecessors []Successor `json:"predecessors,omitempty"` // of a new area
	// Main is the code of the old area's main successor (the one taking the
	// most of its ground), or "" when retired.
	Main string `json:"main,omitempty"`
}

// ClassifyChanges classifies every area of the old release and the new
// areas of the new release from the links between them (rejected links are
// not followed). Old areas come first, then new ones, each in the order
// given.
func ClassifyChanges(oldSet string, old []AreaRef, newSet string, new []AreaRef, links []Successor) []AreaChange {
	bySucc := map[string][]Successor{}
	byPred := map[string][]Successor{}
	for _, l := range links {
		if !l.Followed() || l.OldSet != oldSet || l.NewSet != newSet {
			continue
		}
		bySucc[l.OldCode] = append(bySucc[l.OldCode], l)
		byPred[l.NewCode] = append(byPred[l.NewCode], l)
	}
	for _, m := range []map[string][]Successor{bySucc, byPred} {
		for _, ls := range m {
			sort.SliceStable(ls, func(i, j int) bool {
				if ls[i].ShareOfOld != ls[j].ShareOfOld {
					return ls[i].ShareOfOld > ls[j].ShareOfOld
				}
				return ls[i].NewCode < ls[j].NewCode
			})
		}
	}
	newName := map[string]string{}
	for _, n := range new {
		newName[n.Code] = n.Name
	}
	// large counts the links of a new area's predecessors that each give
	// it a large part of its ground.
	large := func(code string) int {
		n := 0
		for _, l := range byPred[code] {
			if l.ShareOfNew >= PartShare {
				n++
			}
		}
		return n
	}
	var out []AreaChange
	for _, o := range old {
		c := AreaChange{Set: oldSet, Code: o.Code, Name: o.Name, Successors: bySucc[o.Code]}
		kept, parts := 0.0, 0
		var main *Successor
		for i, l := range c.Successors {
			kept += l.ShareOfOld
			if l.ShareOfOld >= PartShare {
				parts++
			}
			if main == nil || l.ShareOfOld > main.ShareOfOld {
				main = &c.Successors[i]
			}
		}
		switch {
		case main == nil || kept < KeptShare:
			c.Change = Retired
		case main.IoU >= SameIoU && main.NewCode == o.Code && sameName(newName[main.NewCode], o.Name):
			c.Change = Unchanged
		case main.IoU >= SameIoU:
			c.Change = Renamed
		case parts >= 2:
			c.Change = Split
		case large(main.NewCode) >= 2:
			c.Change = Merged
		default:
			c.Change = Redrawn
		}
		if main != nil && c.Change != Retired {
			c.Main = main.NewCode
		}
		out = append(out, c)
	}
	for _, n := range new {
		preds := byPred[n.Code]
		given := 0.0
		for _, l := range preds {
			given += l.ShareOfNew
		}
		if len(preds) == 0 || given < KeptShare {
			out = append(out, AreaChange{Set: newSet, Code: n.Code, Name: n.Name, Change: NewArea, Predecessors: preds})
		}
	}
	return out
}

func sameName(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// MaxKept is the most successor codes one decision may keep: an area split
// into more pieces than this is a new set, not a release.
const MaxKept = 100

// Release makes a boundary set a release of a series.
type Release struct {
	Series      string // the series' slug; a new series is made
	SeriesTitle string // a new series' title ("" for the set's title); ignored for an existing series
	// Current makes the set the series' current release. A series' first
	// release is current whatever this says.
	Current bool
	// Successors link areas of earlier releases of the series to the
	// set's areas, computed from their crosswalk (status computed).
	Successors []Successor
	// PlaceLinks carry places defined by areas of earlier releases to the
	// set's areas; a link the place has already is left as it is.
	PlaceLinks []PlaceLinkAdd
}

// PlaceLinkAdd is a link to add to a
type PlaceLinkAdd struct {
	Place string
	PlaceLink
}

// CheckRelease checks a release's fields for set: the series slug, and
// that every link ends in set.
func CheckRelease(set string, r Release) error {
	if !ValidSlug(r.Series) {
		return Errorf(EINVALID, "series %q: use 1-64 lower-case letters, digits and hyphens", r.Series)
	}
	if r.Series == BasemapSlug {
		return Errorf(EINVALID, "series %q is reserved for the street basemap (/tiles/basemap): choose another", r.Series)
	}
	for i, l := range r.Successors {
		if l.NewSet != set {
			return Errorf(EINVALID, "successor link %d: ends in %q, not the release %q", i, l.NewSet, set)
		}
		if l.OldSet == set || l.OldCode == "" || l.NewCode == "" {
			return Errorf(EINVALID, "successor link %d: want an area of an earlier release and one of %q", i, set)
		}
		if !ValidSuccessorStatus(l.Status) {
			return Errorf(EINVALID, "successor link %d: status %q", i, l.Status)
		}
	}
	for i, l := range r.PlaceLinks {
		if l.Set != set {
			return Errorf(EINVALID, "place link %d (%s): links to %q, not the release %q", i, l.Place, l.Set, set)
		}
	}
	return nil
}
