package store

import (
	"time"

	"github.com/placemap/placemap/internal/place"
)

// DecideLinks works out what a person's decision does to an area's
// successor links into one release, for every store alike: a link to a
// kept code stands (computed → confirmed; corrected stays corrected), every
// other link is rejected, and a kept code without a link is added as
// corrected with the shares given. All carry who decided, when and why.
func DecideLinks(existing, keep []place.Successor, by, note string, at time.Time) (update, add []place.Successor) {
	kept := map[string]place.Successor{}
	for _, k := range keep {
		kept[k.NewCode] = k
	}
	decided := func(l place.Successor, status place.SuccessorStatus) place.Successor {
		l.Status, l.DecidedBy, l.Note = status, by, note
		l.DecidedAt = &at
		return l
	}
	linked := map[string]bool{}
	for _, l := range existing {
		linked[l.NewCode] = true
		status := place.LinkRejected
		if _, ok := kept[l.NewCode]; ok {
			status = place.LinkConfirmed
			if l.Status == place.LinkCorrected {
				status = place.LinkCorrected
			}
		}
		update = append(update, decided(l, status))
	}
	for _, k := range keep {
		if !linked[k.NewCode] {
			linked[k.NewCode] = true
			add = append(add, decided(k, place.LinkCorrected))
		}
	}
	return update, add
}
