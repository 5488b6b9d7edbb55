package reconcile

import (
	"context"

	"github.com/placemap/placemap/internal/place"
)

// SuccessorLinks computes where each area of an old release went in a new
// one: a link for every overlap of an old and a new area that is not a
// sliver (at least SliverShare of one of the two), with both shares and the
// IoU, status computed. The areas must be valid, as a store or an importer
// leaves them.
func SuccessorLinks(ctx context.Context, oldSet string, old []place.Area, newSet string, new []place.Area) ([]place.Successor, error) {
	cw, err := OverlayStored(ctx, old, new)
	if err != nil {
		return nil, err
	}
	links := make([]place.Successor, 0, len(cw.Pairs))
	for _, p := range cw.Pairs {
		links = append(links, place.Successor{
			OldSet: oldSet, OldCode: old[p.A].Code, NewSet: newSet, NewCode: new[p.B].Code,
			ShareOfOld: p.ShareAInB, ShareOfNew: p.ShareBInA, IoU: p.IoU, Status: place.LinkComputed,
		})
	}
	return links, nil
}

// Refs names the areas for ClassifyChanges.
func Refs(areas []place.Area) []place.AreaRef {
	out := make([]place.AreaRef, len(areas))
	for i, a := range areas {
		out[i] = place.AreaRef{Code: a.Code, Name: a.Name}
	}
	return out
}
