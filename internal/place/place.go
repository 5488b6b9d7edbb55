package place

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/paulmach/orb"
	"golang.org/x/text/unicode/norm"
)

// Kind says who draws a boundary set and why.
type Kind string

// The kinds of boundary set.
const (
	Statutory   Kind = "statutory"   // drawn by law: wards, constituencies, districts
	Statistical Kind = "statistical" // drawn for statistics: OA, LSOA, MSOA
	Service     Kind = "service"     // drawn by a service: NHS networks, council neighbourhoods
	Programme   Kind = "programme"   // drawn by a funding programme
	Community   Kind = "community"   // drawn by residents
)

// Kinds lists every kind in the order shown to people.
var Kinds = []Kind{Statutory, Statistical, Service, Programme, Community}

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	for _, v := range Kinds {
		if k == v {
			return true
		}
	}
	return false
}

// Status is the state of an asset.
type Status string

// The states of an asset.
const (
	Open     Status = "open"
	Closed   Status = "closed"
	AtRisk   Status = "at_risk"
	Proposed Status = "proposed"
)

// Statuses lists every status.
var Statuses = []Status{Open, Closed, AtRisk, Proposed}

// Valid reports whether s is one of the known states.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// BoundarySet is one definition of "neighbourhood".
type BoundarySet struct {
	Slug        string    `json:"slug"`
	Title       string    `json:"title"`
	Kind        Kind      `json:"kind"`
	Publisher   string    `json:"publisher,omitempty"`
	ReleaseDate string    `json:"release_date,omitempty"` // YYYY-MM-DD, YYYY-MM or YYYY
	Licence     string    `json:"licence,omitempty"`
	Attribution string    `json:"attribution,omitempty"`
	Source      string    `json:"source,omitempty"`
	Description string    `json:"description,omitempty"`
	CodeField   string    `json:"code_field,omitempty"` // the source field codes came from, e.g. WD13CD
	NameField   string    `json:"name_field,omitempty"` // and names, e.g. WD13NM
	CreatedAt   time.Time `json:"created_at"`
	// Provenance says how the set was made from its file, when the import
	// left features out (--skip-invalid); nil otherwise.
	Provenance *Provenance `json:"provenance,omitempty"`
}

// Provenance records what an import of a set made of its file.
type Provenance struct {
	File string `json:"file"` // the file's name as given
	// SkipInvalid: the import was asked to leave out invalid features
	// rather than refuse the file.
	SkipInvalid bool `json:"skip_invalid"`
	// Features is how many features the file held; Skipped lists those
	// left out, with why.
	Features int              `json:"features"`
	Skipped  []SkippedFeature `json:"skipped"`
	// Method says how placemap built a set it did not import (a proposal
	// from propose-set), and Parameters what from; empty for imports.
	Method     string            `json:"method,omitempty"`
	Parameters map[string]string `json:"parameters,omitempty"`
}

// SkippedFeature is a feature of a file an import left out.
type SkippedFeature struct {
	Index  int    `json:"index"`          // 0-based, in file order
	Code   string `json:"code,omitempty"` // its code, when it could be read
	Reason string `json:"reason"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// BasemapSlug is the name the street basemap's tiles are served under
// (/tiles/basemap): no boundary set may take it.
const BasemapSlug = "basemap"

// ValidSlug reports whether s can name a boundary set: lower-case letters,
// digits and single hyphens, 1–64 characters.
func ValidSlug(s string) bool { return len(s) <= 64 && slugRE.MatchString(s) }

// Slugify turns a name into a slug: "Lowedges / Low Edges" → "lowedges-low-edges".
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		case r == '&':
			if b.Len() > 0 {
				b.WriteString("-and")
			}
			dash = true
		default:
			dash = true
		}
	}
	out := b.String()
	if len(out) > 64 {
		out = strings.TrimRight(out[:64], "-")
	}
	return out
}

// Validate checks the set's own fields.
func (s *BoundarySet) Validate() error {
	switch {
	case !ValidSlug(s.Slug):
		return Errorf(EINVALID, "boundary set slug %q: use 1-64 lower-case letters, digits and hyphens", s.Slug)
	case s.Slug == BasemapSlug:
		return Errorf(EINVALID, "boundary set slug %q is reserved for the street basemap (/tiles/basemap): choose another", s.Slug)
	case strings.TrimSpace(s.Title) == "":
		return Errorf(EINVALID, "boundary set %s: title is required", s.Slug)
	case !s.Kind.Valid():
		return Errorf(EINVALID, "boundary set %s: kind %q is not one of %v", s.Slug, s.Kind, Kinds)
	}
	if err := checkTexts("boundary set "+s.Slug, "title", s.Title, "publisher", s.Publisher, "licence", s.Licence,
		"attribution", s.Attribution, "source", s.Source, "description", s.Description, "code field", s.CodeField, "name field", s.NameField); err != nil {
		return err
	}
	if s.ReleaseDate != "" && !validDate(s.ReleaseDate) {
		return Errorf(EINVALID, "boundary set %s: release date %q: use YYYY-MM-DD, YYYY-MM or YYYY", s.Slug, s.ReleaseDate)
	}
	return nil
}

func validDate(s string) bool {
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// SetSummary is a boundary set with figures about its areas.
type SetSummary struct {
	BoundarySet
	Series string `json:"series,omitempty"` // the series it is a release of, if any
	// Current: the set is its series' current release, or in no series.
	Current   bool      `json:"current"`
	AreaCount int       `json:"area_count"`
	BBox      orb.Bound `json:"-"`
}

// Area is one polygon of a boundary set.
type Area struct {
	ID         int64            `json:"-"` // store-assigned, stable; the tile feature id
	Set        string           `json:"set"`
	Code       string           `json:"code"`
	Name       string           `json:"name"`
	Properties map[string]any   `json:"properties,omitempty"`
	Geometry   orb.MultiPolygon `json:"-"`
}

// Validate checks the area's fields and that its geometry is a non-empty
// MultiPolygon in longitude/latitude. Topological validity is checked by
// the geo package on import, where repair is possible.
func (a *Area) Validate() error {
	if strings.TrimSpace(a.Code) == "" {
		return Errorf(EINVALID, "area code is required")
	}
	if len(a.Code) > 100 {
		return Errorf(EINVALID, "area %s: code is longer than 100 characters", Excerpt(a.Code))
	}
	if err := checkTexts(fmt.Sprintf("area %q", a.Code), "code", a.Code, "name", a.Name); err != nil {
		return err
	}
	if err := checkValue("properties", a.Properties); err != nil {
		return Errorf(EINVALID, "area %q: %v", a.Code, err)
	}
	if len(a.Geometry) == 0 {
		return Errorf(EINVALID, "area %s: geometry is empty", a.Code)
	}
	for _, p := range a.Geometry {
		if len(p) == 0 {
			return Errorf(EINVALID, "area %s: a polygon has no rings", a.Code)
		}
		for _, r := range p {
			if len(r) < 4 {
				return Errorf(EINVALID, "area %s: a ring has %d points, needs at least 4", a.Code, len(r))
			}
			if err := checkLonLat(r); err != nil {
				return Errorf(EINVALID, "area %s: %v", a.Code, err)
			}
		}
	}
	return nil
}

// Asset is a civic space: a library, community centre, hall, park...
type Asset struct {
	ID           string            `json:"id"`
	FID          int64             `json:"-"` // store-assigned, stable; the tile feature id
	Name         string            `json:"name"`
	Category     string            `json:"category"`
	Status       Status            `json:"status"`
	Geometry     orb.Geometry      `json:"-"` // orb.Point, orb.Polygon or orb.MultiPolygon
	Address      string            `json:"address,omitempty"`
	Postcode     string            `json:"postcode,omitempty"`
	OpeningHours string            `json:"opening_hours,omitempty"` // OSM opening_hours syntax
	Phone        string            `json:"phone,omitempty"`
	Email        string            `json:"email,omitempty"`
	Website      string            `json:"website,omitempty"`
	Operator     string            `json:"operator,omitempty"`
	Tags         map[string]string `json:"tags,omitempty"`
	Source       string            `json:"source,omitempty"`
	SourceID     string            `json:"source_id,omitempty"`
	Licence      string            `json:"licence,omitempty"`
	Attribution  string            `json:"attribution,omitempty"`
	Version      int64             `json:"version"`                 // starts at 1; every update adds one
	LastReviewed time.Time         `json:"last_reviewed,omitempty"` // zero: never reviewed
	UpdatedAt    time.Time         `json:"updated_at"`
}

// Validate checks an asset's fields.
func (a *Asset) Validate() error {
	name := a.Name
	if strings.TrimSpace(name) == "" {
		return Errorf(EINVALID, "asset %s: name is required", a.ID)
	}
	if len(name) > 300 {
		return Errorf(EINVALID, "asset %q: name is longer than 300 characters", Excerpt(name))
	}
	if err := checkTexts(fmt.Sprintf("asset %q", name), "name", name, "id", a.ID, "category", a.Category, "address", a.Address,
		"postcode", a.Postcode, "opening_hours", a.OpeningHours, "phone", a.Phone, "email", a.Email, "website", a.Website,
		"operator", a.Operator, "source", a.Source, "source_id", a.SourceID, "licence", a.Licence, "attribution", a.Attribution); err != nil {
		return err
	}
	for k, v := range a.Tags {
		if err := checkTexts(fmt.Sprintf("asset %q", name), "a tag's key", k, fmt.Sprintf("tag %q", Excerpt(k)), v); err != nil {
			return err
		}
	}
	if _, ok := CategoryByID(a.Category); !ok {
		return Errorf(EINVALID, "asset %q: category %q is not in the list (%s)", name, a.Category, strings.Join(CategoryIDs(), ", "))
	}
	if !a.Status.Valid() {
		return Errorf(EINVALID, "asset %q: status %q is not one of %v", name, a.Status, Statuses)
	}
	switch g := a.Geometry.(type) {
	case orb.Point:
		if err := checkLonLat([]orb.Point{g}); err != nil {
			return Errorf(EINVALID, "asset %q: %v", name, err)
		}
	case orb.Polygon:
		if len(g) == 0 || len(g[0]) < 4 {
			return Errorf(EINVALID, "asset %q: polygon needs a ring of at least 4 points", name)
		}
		for _, r := range g {
			if err := checkLonLat(r); err != nil {
				return Errorf(EINVALID, "asset %q: %v", name, err)
			}
		}
	case orb.MultiPolygon:
		if len(g) == 0 {
			return Errorf(EINVALID, "asset %q: geometry is empty", name)
		}
		for _, p := range g {
			for _, r := range p {
				if err := checkLonLat(r); err != nil {
					return Errorf(EINVALID, "asset %q: %v", name, err)
				}
			}
		}
	case nil:
		return Errorf(EINVALID, "asset %q: geometry is required", name)
	default:
		return Errorf(EINVALID, "asset %q: geometry must be a Point or Polygon, not %s", name, g.GeoJSONType())
	}
	return nil
}

func checkLonLat(pts []orb.Point) error {
	for _, p := range pts {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			return fmt.Errorf("coordinate is not a number")
		}
		if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			return fmt.Errorf("coordinate (%g, %g) is outside longitude/latitude range; is it in another CRS such as British National Grid?", p[0], p[1])
		}
	}
	return nil
}

// Membership says which area of a boundary set an asset lies in.
type Membership struct {
	AssetID  string `json:"asset_id"`
	Set      string `json:"set"`
	SetTitle string `json:"set_title,omitempty"`
	Code     string `json:"code"`
	Name     string `json:"name"`
}

// Indicator is a number attached to the areas of one set: a count (people,
// assets) that adds up, a rate (a score, a percentage) that averages, or
// an asset (the FID of an asset, e.g. each area's nearest library), which
// names rather than measures and so is never moved to another set.
type Indicator struct {
	Set         string `json:"set"`
	Name        string `json:"name"` // snake_case id, e.g. population or imd_score
	Title       string `json:"title"`
	Kind        string `json:"kind"` // count, rate or asset
	Source      string `json:"source,omitempty"`
	Licence     string `json:"licence,omitempty"`
	Attribution string `json:"attribution,omitempty"`
}

var indicatorNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// Validate checks an indicator's fields.
func (i *Indicator) Validate() error {
	switch {
	case !indicatorNameRE.MatchString(i.Name):
		return Errorf(EINVALID, "indicator name %q: use lower-case letters, digits and underscores, starting with a letter", i.Name)
	case i.Kind != "count" && i.Kind != "rate" && i.Kind != "asset":
		return Errorf(EINVALID, "indicator %s: kind %q is not count, rate or asset", i.Name, i.Kind)
	case strings.TrimSpace(i.Title) == "":
		return Errorf(EINVALID, "indicator %s: title is required", i.Name)
	}
	return checkTexts("indicator "+i.Name, "title", i.Title, "source", i.Source, "licence", i.Licence, "attribution", i.Attribution)
}

// Place is a neighbourhood as people name it, linked to the areas that
// define it in each set.
type Place struct {
	Slug     string      `json:"slug"`
	Name     string      `json:"name"`
	AltNames []string    `json:"alt_names"`
	Links    []PlaceLink `json:"definitions"`
}

// PlaceLink ties a place to one area of a set. A suggested link comes from
// matching names or a crosswalk; a person confirms it.
type PlaceLink struct {
	Set       string `json:"set"`
	Code      string `json:"code"`
	Confirmed bool   `json:"confirmed"`
	Note      string `json:"note,omitempty"` // why it was suggested
	// Review flags a link a person should look at: carried to a new
	// release through a weak successor.
	Review bool `json:"review,omitempty"`
}

// Validate checks a place's fields.
func (p *Place) Validate() error {
	switch {
	case !ValidSlug(p.Slug):
		return Errorf(EINVALID, "place slug %q: use 1-64 lower-case letters, digits and hyphens", p.Slug)
	case strings.TrimSpace(p.Name) == "":
		return Errorf(EINVALID, "place %s: name is required", p.Slug)
	}
	if err := checkTexts("place "+p.Slug, "name", p.Name); err != nil {
		return err
	}
	for _, n := range p.AltNames {
		if err := checkTexts("place "+p.Slug, "an alternative name", n); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, l := range p.Links {
		k := l.Set + "\x00" + l.Code
		if seen[k] {
			return Errorf(EINVALID, "place %s: area %s of %s is linked twice", p.Slug, l.Code, l.Set)
		}
		seen[k] = true
	}
	return nil
}

// Suggestion is a change proposed by someone without the right to publish
// it: a new asset, a correction, a closure, or a neighbourhood drawn as
// the resident knows it (kind area), a Drawing of a place, published as
// evidence when accepted. The live data stays as it is until a moderator
// accepts.
type Suggestion struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"` // new, correction, closure or area
	AssetID  string `json:"asset_id,omitempty"`
	Proposed Asset  `json:"-"` // the asset as it would be
	// BaseVersion is the version of the asset a correction or closure was
	// based on: the one its sender saw (If-Match), or the current one when
	// it was sent. Base is the asset as it stood at that version. Accepting
	// after the asset changed is a conflict the moderator resolves.
	BaseVersion int64  `json:"base_version,omitempty"`
	Base        *Asset `json:"-"`
	// Area is the drawing of an area suggestion: its name and outline, and
	// the community set it was drawn for, kept as a hint (Set, may be "").
	Area *Area `json:"-"`
	// Place, for an area suggestion, is the place the drawing is of
	// (heeley), or "" for the moderator to name on accepting.
	Place string `json:"place,omitempty"`
	// Drawing, for an area suggestion, is the id of the drawing it makes
	// (a new one, pending) or changes (one that exists: accepted, the
	// suggestion's outline, name and answers replace the drawing's).
	// Answers are the resident's answers to the deployment's questions.
	Drawing string   `json:"drawing,omitempty"`
	Answers []Answer `json:"answers,omitempty"`
	// DrawingKey is the stored form (hash) of the private key of a new
	// drawing; "" for a change to one that exists.
	DrawingKey string    `json:"-"`
	Comment    string    `json:"comment,omitempty"`
	Author     string    `json:"author"` // an account's email, or "anonymous"
	Status     string    `json:"status"` // pending, accepted or rejected
	Reason     string    `json:"reason,omitempty"`
	DecidedBy  string    `json:"decided_by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	DecidedAt  time.Time `json:"decided_at,omitempty"`
}

// Suggestion kinds and states.
const (
	NewAsset    = "new"
	Correction  = "correction"
	Closure     = "closure"
	AreaDrawing = "area"
	Pending     = "pending"
	Accepted    = "accepted"
	Rejected    = "rejected"
)

// checkTexts runs CheckText over named fields, prefixing the error with
// whose they are.
func checkTexts(who string, fields ...string) error {
	for i := 0; i+1 < len(fields); i += 2 {
		if err := CheckText(fields[i], fields[i+1]); err != nil {
			return Errorf(EINVALID, "%s: %v", who, err)
		}
	}
	return nil
}

// checkValue runs CheckText over every string in a JSON-like value (keys
// too): properties kept as JSON must hold no NUL either, which
// PostgreSQL's jsonb refuses.
func checkValue(what string, v any) error {
	switch t := v.(type) {
	case string:
		return CheckText(what, t)
	case map[string]any:
		for k, x := range t {
			if err := CheckText(what+" key", k); err != nil {
				return err
			}
			if err := checkValue(what+"."+Excerpt(k), x); err != nil {
				return err
			}
		}
	case []any:
		for i, x := range t {
			if err := checkValue(fmt.Sprintf("%s[%d]", what, i), x); err != nil {
				return err
			}
		}
	}
	return nil
}
