package place

import "math"

// The checks every write of sets, areas, assets and indicators passes
// before any store touches the database, so every store refuses the same
// input with the same message.

// CheckSet validates a set and its areas before any store writes them, so
// every store refuses the same input with the same message.
func CheckSet(set *BoundarySet, areas []Area) error {
	if err := set.Validate(); err != nil {
		return err
	}
	if len(areas) == 0 {
		return Errorf(EINVALID, "boundary set %s has no areas", set.Slug)
	}
	seen := make(map[string]int, len(areas))
	for i := range areas {
		if err := areas[i].Validate(); err != nil {
			return Errorf(EINVALID, "boundary set %s: area %d: %v", set.Slug, i, err)
		}
		if j, dup := seen[areas[i].Code]; dup {
			return Errorf(EINVALID, "boundary set %s: areas %d and %d share the code %q", set.Slug, j, i, areas[i].Code)
		}
		seen[areas[i].Code] = i
	}
	return nil
}

// CheckAssets validates assets before any store writes them.
func CheckAssets(assets []Asset) error {
	seen := make(map[string]int, len(assets))
	for i := range assets {
		a := &assets[i]
		if a.ID == "" {
			return Errorf(EINVALID, "asset %d (%q): id is required", i, a.Name)
		}
		if err := a.Validate(); err != nil {
			return Errorf(EINVALID, "asset %d: %v", i, err)
		}
		if j, dup := seen[a.ID]; dup {
			return Errorf(EINVALID, "assets %d and %d share the id %q", j, i, a.ID)
		}
		seen[a.ID] = i
	}
	return nil
}

// CheckIndicators validates indicators and their values before a store
// writes them; area codes are checked by the store against the set.
func CheckIndicators(set string, inds []Indicator, values map[string]map[string]float64) error {
	if len(inds) == 0 {
		return Errorf(EINVALID, "no indicators to import into %s", set)
	}
	seen := map[string]bool{}
	for i := range inds {
		inds[i].Set = set
		if err := inds[i].Validate(); err != nil {
			return err
		}
		if seen[inds[i].Name] {
			return Errorf(EINVALID, "indicator %s is given twice", inds[i].Name)
		}
		seen[inds[i].Name] = true
		for code, v := range values[inds[i].Name] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Errorf(EINVALID, "indicator %s, area %s: value is not a finite number", inds[i].Name, code)
			}
		}
	}
	for name := range values {
		if !seen[name] {
			return Errorf(EINVALID, "values given for %s, which is not among the indicators", name)
		}
	}
	return nil
}
