package place

import (
	"encoding/json"
	"slices"
	"time"
	"unicode/utf8"
)

// SetProposal is a boundary set proposed from whole building blocks
// (placemap propose-set): every block of the block set assigned to one
// area. It is kept as a draft editors refine — a block moved to a
// neighbouring area, an area renamed — and published, each time, as a new
// boundary set: a release of the series named by the proposal's slug.
type SetProposal struct {
	Slug   string `json:"slug"`
	Title  string `json:"title"`
	Kind   Kind   `json:"kind"`
	Blocks string `json:"blocks_set"` // the boundary set whose areas are the blocks
	// Params are how it was proposed (fit sets and weights, nest-in set,
	// population band, seed), as the proposing workflow wrote them.
	Params     json.RawMessage   `json:"params"`
	Assignment map[string]string `json:"assignment"` // block code → area code
	Names      map[string]string `json:"names"`      // area code → name
	// Report is the engine's last scores and checks of the draft, as JSON;
	// Areas and Overall are its count of areas and overall agreement.
	Report  json.RawMessage `json:"report"`
	Areas   int             `json:"areas"`
	Overall float64         `json:"overall"`
	Version int64           `json:"version"` // counts every change: 1 when made
	Series  string          `json:"series"`
	// Status is ProposalPublished when the draft is what was last
	// published, ProposalDraft when it has changed since.
	Status    string    `json:"status"`
	Published []string  `json:"published"` // sets published from it, oldest first
	Author    string    `json:"author,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Set proposal statuses.
const (
	ProposalPublished = "published" // the draft is its newest published set
	ProposalDraft     = "draft"     // changed since it was last published
)

// MaxAreaName bounds an area name given to a proposal's area, in characters.
const MaxAreaName = 200

// Check says what is wrong with a set proposal, if anything (EINVALID):
// slug and series are set slugs, the kind one placemap knows, every block
// assigned to an area code, and every name's area one the assignment uses.
func (p SetProposal) Check() error {
	switch {
	case !ValidSlug(p.Slug) || p.Slug == BasemapSlug:
		return Errorf(EINVALID, "proposal slug %q: use 1-64 lower-case letters, digits and hyphens (not %q)", p.Slug, BasemapSlug)
	case p.Title == "" || utf8.RuneCountInString(p.Title) > MaxAreaName:
		return Errorf(EINVALID, "proposal %s: a title of 1-%d characters is required", p.Slug, MaxAreaName)
	case !p.Kind.Valid():
		return Errorf(EINVALID, "proposal %s: kind %q is not one of %v", p.Slug, p.Kind, Kinds)
	case !ValidSlug(p.Blocks):
		return Errorf(EINVALID, "proposal %s: blocks set %q is not a set slug", p.Slug, p.Blocks)
	case !ValidSlug(p.Series):
		return Errorf(EINVALID, "proposal %s: series %q is not a slug", p.Slug, p.Series)
	case len(p.Assignment) == 0:
		return Errorf(EINVALID, "proposal %s: no block is assigned to an area", p.Slug)
	case !slices.Contains([]string{ProposalPublished, ProposalDraft}, p.Status):
		return Errorf(EINVALID, "proposal %s: status %q", p.Slug, p.Status)
	}
	used := map[string]bool{}
	for block, code := range p.Assignment {
		if block == "" || code == "" {
			return Errorf(EINVALID, "proposal %s: block %q assigned to area %q: both codes are required", p.Slug, block, code)
		}
		used[code] = true
	}
	for code, name := range p.Names {
		if !used[code] {
			return Errorf(EINVALID, "proposal %s: a name for area %q, which has no blocks", p.Slug, code)
		}
		if err := CheckAreaName(name); err != nil {
			return Errorf(EINVALID, "proposal %s: area %s: %s", p.Slug, code, ErrorMessage(err))
		}
	}
	return nil
}

// CheckAreaName says what is wrong with a name given to a proposal's area.
func CheckAreaName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > MaxAreaName {
		return Errorf(EINVALID, "name %q: 1-%d characters", Truncate(name, MaxAreaName), MaxAreaName)
	}
	if err := CheckText("name", name); err != nil {
		return err
	}
	return nil
}
