package reconcile

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/placemap/placemap/internal/csvcell"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// ChangeSource is what a change report reads from a store.
type ChangeSource interface {
	Set(ctx context.Context, slug string) (place.SetSummary, error)
	Areas(ctx context.Context, set string, q store.AreaQuery) ([]place.Area, error)
	Successors(ctx context.Context, q store.SuccessorQuery) ([]place.Successor, error)
	Assets(ctx context.Context, q store.AssetQuery) (store.AssetPage, error)
}

// ChangeReport is what changed from one release of a series to another:
// every area classified with its links, and every asset whose area changed.
type ChangeReport struct {
	Series  string                    `json:"series"`
	Old     place.SetSummary          `json:"old"`
	New     place.SetSummary          `json:"new"`
	Counts  map[place.ChangeClass]int `json:"counts"`
	Changes []place.AreaChange        `json:"changes"`
	Assets  []AssetMove               `json:"assets"`
	// Method says how the links were made, for anyone reading the report
	// without placemap.
	Method string `json:"method"`
	// NewNames names every area of the new release by code, for the
	// successors' codes.
	NewNames map[string]string `json:"new_names"`
}

// AssetMove is an asset's area in the old release and in the new one.
type AssetMove struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Category string `json:"category"`
	OldCode  string `json:"old_code"`
	OldName  string `json:"old_name"`
	NewCode  string `json:"new_code"` // "" when the new release does not cover it
	NewName  string `json:"new_name"`
	// Change is what became of the old area; Followed says whether the
	// asset is in the old area's main successor (the library moved from
	// Broomhill ward to Broomhill & Sharrow Vale with its ward) or was
	// left in another area by the new lines.
	Change   place.ChangeClass `json:"change"`
	Followed bool              `json:"followed"`
}

// ChangeMethod describes how successor links and classes are made.
var ChangeMethod = fmt.Sprintf("Areas of the two releases overlaid (equal-area measure on the WGS84 ellipsoid); a successor link for every overlap of at least %g of either area, with the share of each area and the IoU; "+
	"an old area is unchanged (IoU ≥ %g, same code and name), renamed (IoU ≥ %g, another code or name), split (two or more successors each take ≥ %g of it), "+
	"merged (its main successor takes ≥ %g of its ground from two or more old areas), redrawn (otherwise), or retired (under %g of it in the new release); "+
	"a new area has no predecessor. Links confirmed, corrected or rejected by a person are used as decided.",
	SliverShare, place.SameIoU, place.SameIoU, place.PartShare, place.PartShare, place.KeptShare)

// NextRelease returns the release after set in its series: what a change
// report compares an old release with when not told. EINVALID when set is
// in no series or is its newest release.
func NextRelease(ctx context.Context, src interface {
	Set(ctx context.Context, slug string) (place.SetSummary, error)
	Series(ctx context.Context) ([]place.Series, error)
}, set string) (string, error) {
	ss, err := src.Set(ctx, set)
	if err != nil {
		return "", err
	}
	all, err := src.Series(ctx)
	if err != nil {
		return "", err
	}
	for _, sr := range all {
		if sr.Slug == ss.Series {
			if next := sr.Next(set); next != "" {
				return next, nil
			}
		}
	}
	return "", place.Errorf(place.EINVALID, "boundary set %s has no later release: say which release to compare with", set)
}

// Changes reports what changed from release oldSet to release newSet, two
// releases of one series (EINVALID otherwise; ENOTFOUND for an unknown set).
func Changes(ctx context.Context, src ChangeSource, oldSet, newSet string) (*ChangeReport, error) {
	o, err := src.Set(ctx, oldSet)
	if err != nil {
		return nil, err
	}
	n, err := src.Set(ctx, newSet)
	if err != nil {
		return nil, err
	}
	if o.Series == "" || o.Series != n.Series || oldSet == newSet {
		return nil, place.Errorf(place.EINVALID, "%s and %s are not two releases of one series", oldSet, newSet)
	}
	olds, err := store.AllAreas(ctx, src, oldSet)
	if err != nil {
		return nil, err
	}
	news, err := store.AllAreas(ctx, src, newSet)
	if err != nil {
		return nil, err
	}
	links, err := src.Successors(ctx, store.SuccessorQuery{OldSet: oldSet, NewSet: newSet})
	if err != nil {
		return nil, err
	}
	r := &ChangeReport{Series: o.Series, Old: o, New: n, Counts: map[place.ChangeClass]int{}, Method: ChangeMethod,
		Changes: place.ClassifyChanges(oldSet, Refs(olds), newSet, Refs(news), links), NewNames: map[string]string{}}
	for _, a := range news {
		r.NewNames[a.Code] = a.Name
	}
	byOld := map[string]place.AreaChange{}
	for _, c := range r.Changes {
		r.Counts[c.Change]++
		if c.Set == oldSet {
			byOld[c.Code] = c
		}
	}
	newIn := map[string]place.Area{} // asset id → its area in the new release
	for _, a := range news {
		if err := eachAsset(ctx, src, newSet, a.Code, func(as place.Asset) { newIn[as.ID] = a }); err != nil {
			return nil, err
		}
	}
	for _, a := range olds {
		err := eachAsset(ctx, src, oldSet, a.Code, func(as place.Asset) {
			m := AssetMove{ID: as.ID, Name: as.Name, Category: as.Category, OldCode: a.Code, OldName: a.Name, Change: byOld[a.Code].Change}
			if na, ok := newIn[as.ID]; ok {
				m.NewCode, m.NewName = na.Code, na.Name
				m.Followed = na.Code == byOld[a.Code].Main
			}
			r.Assets = append(r.Assets, m)
		})
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

// eachAsset calls fn for every asset placed in one area.
func eachAsset(ctx context.Context, src ChangeSource, set, code string, fn func(place.Asset)) error {
	for offset := 0; ; {
		page, err := src.Assets(ctx, store.AssetQuery{InSet: set, InCode: code, Limit: store.MaxPage, Offset: offset, NoCount: true})
		if err != nil {
			return fmt.Errorf("assets in %s %s: %w", set, code, err)
		}
		for _, a := range page.Assets {
			fn(a)
		}
		if len(page.Assets) < store.MaxPage {
			return nil
		}
		offset += len(page.Assets)
	}
}

// WriteCSV writes the change report's areas: a row for every successor
// link of every old area (a retired area gets one row with no successor),
// then a row for every new area without a predecessor. Names as well as
// codes, so the file reads on its own; shares to six places.
func (r *ChangeReport) WriteCSV(w io.Writer) error {
	cw := csvcell.NewWriter(w)
	if err := cw.Write([]string{"old_set", "old_code", "old_name", "change", "new_set", "new_code", "new_name", "main_successor",
		"share_of_old", "share_of_new", "iou", "status", "decided_by", "note"}); err != nil {
		return err
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }
	for _, c := range r.Changes {
		if c.Set != r.Old.Slug {
			continue
		}
		if len(c.Successors) == 0 {
			if err := cw.Write([]string{r.Old.Slug, c.Code, c.Name, string(c.Change), r.New.Slug, "", "", "", "", "", "", "", "", ""}); err != nil {
				return err
			}
		}
		for _, l := range c.Successors {
			main := "no"
			if l.NewCode == c.Main {
				main = "yes"
			}
			name := r.NewNames[l.NewCode]
			if err := cw.Write([]string{r.Old.Slug, c.Code, c.Name, string(c.Change), r.New.Slug, l.NewCode, name, main,
				f(l.ShareOfOld), f(l.ShareOfNew), f(l.IoU), string(l.Status), l.DecidedBy, l.Note}); err != nil {
				return err
			}
		}
	}
	for _, c := range r.Changes {
		if c.Set == r.New.Slug {
			if err := cw.Write([]string{r.Old.Slug, "", "", string(c.Change), r.New.Slug, c.Code, c.Name, "", "", "", "", "", "", ""}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteAssetsCSV writes every asset with its area in each release.
func (r *ChangeReport) WriteAssetsCSV(w io.Writer) error {
	cw := csvcell.NewWriter(w)
	if err := cw.Write([]string{"asset_id", "name", "category", "old_set", "old_code", "old_name", "change", "new_set", "new_code", "new_name", "followed"}); err != nil {
		return err
	}
	for _, a := range r.Assets {
		if err := cw.Write([]string{a.ID, a.Name, a.Category, r.Old.Slug, a.OldCode, a.OldName, string(a.Change), r.New.Slug, a.NewCode, a.NewName,
			strconv.FormatBool(a.Followed)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
