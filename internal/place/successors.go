package place

import "time"

// DecideLinks works out what a person's decision does to an area's
// successor links into one release, for every store alike: a link to a
// kept code stands (computed → confirmed; corrected stays corrected), every
// other link is rejected, and a kept code without a link is added as
// corrected with the shares given. All carry who decided, when and why.
func DecideLinks(existing, keep []Successor, by, note string, at time.Time) (update, add []Successor) {
	kept := map[string]Successor{}
	for _, k := range keep {
		kept[k.NewCode] = k
	}
	decided := func(l Successor, status SuccessorStatus) Successor {
		l.Status, l.DecidedBy, l.Note = status, by, note
		l.DecidedAt = &at
		return l
	}
	linked := map[string]bool{}
	for _, l := range existing {
		linked[l.NewCode] = true
		status := LinkRejected
		if _, ok := kept[l.NewCode]; ok {
			status = LinkConfirmed
			if l.Status == LinkCorrected {
				status = LinkCorrected
			}
		}
		update = append(update, decided(l, status))
	}
	for _, k := range keep {
		if !linked[k.NewCode] {
			linked[k.NewCode] = true
			add = append(add, decided(k, LinkCorrected))
		}
	}
	return update, add
}

// CheckKeep drops repeated codes from the successors a decision keeps
// (the first of each stands) and refuses more than MaxKept distinct
// ones, so the work a decision does is bounded by what it keeps.
func CheckKeep(keep []Successor) ([]Successor, error) {
	codes := make([]string, len(keep))
	for i, k := range keep {
		codes[i] = k.NewCode
	}
	uniq, err := UniqueList("keep", codes, MaxKept)
	if err != nil {
		return nil, err
	}
	if len(uniq) == len(keep) {
		return keep, nil
	}
	out := make([]Successor, 0, len(uniq))
	seen := map[string]bool{}
	for _, k := range keep {
		if !seen[k.NewCode] {
			seen[k.NewCode] = true
			out = append(out, k)
		}
	}
	return out, nil
}
