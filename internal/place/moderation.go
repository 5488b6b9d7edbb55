package place

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/placemap/placemap/internal/rfc7946"
)

// Limits on what a suggestion may carry: a visitor's drawing (a
// neighbourhood, or a new place's site) has at most MaxDrawnVertices
// corners, and its GeoJSON Feature as sent at most MaxDrawnBytes.
const (
	MaxDrawnVertices = 2000
	MaxDrawnBytes    = 128 << 10
)

// Vertices counts the positions of a geometry.
func Vertices(g orb.Geometry) int {
	switch t := g.(type) {
	case orb.Point:
		return 1
	case orb.MultiPoint:
		return len(t)
	case orb.LineString:
		return len(t)
	case orb.Ring:
		return len(t)
	case orb.Polygon:
		n := 0
		for _, r := range t {
			n += len(r)
		}
		return n
	case orb.MultiPolygon:
		n := 0
		for _, p := range t {
			n += Vertices(p)
		}
		return n
	case orb.MultiLineString:
		n := 0
		for _, l := range t {
			n += len(l)
		}
		return n
	case orb.Collection:
		n := 0
		for _, x := range t {
			n += Vertices(x)
		}
		return n
	}
	return 0
}

// MaxSuggestedDetails bounds the text of a suggested asset: its fields and
// tags, all but the geometry, in bytes.
const MaxSuggestedDetails = 32 << 10

// CheckSuggestedDetails refuses a suggested asset whose fields and tags
// hold more than MaxSuggestedDetails bytes of text.
func CheckSuggestedDetails(a Asset) error {
	n := 0
	for k, v := range FieldValues(a) {
		if k != "geometry" {
			n += len(k) + len(v)
		}
	}
	if n > MaxSuggestedDetails {
		return Errorf(EINVALID, "the suggested details (fields and tags) are %d bytes; a suggestion may carry at most %d", n, MaxSuggestedDetails)
	}
	return nil
}

// CheckDrawn refuses a drawing (what names it) of more than
// MaxDrawnVertices positions.
func CheckDrawn(what string, g orb.Geometry) error {
	if n := Vertices(g); n > MaxDrawnVertices {
		return Errorf(EINVALID, "%s has %d corners; a drawing may have at most %d: simplify it", what, n, MaxDrawnVertices)
	}
	return nil
}

// SuggestionDecision is a moderator's decision on a suggestion.
type SuggestionDecision struct {
	Accept bool
	Reason string // why, on a rejection (required there)
	// Edited, when not nil, is written in place of what the suggestion
	// proposes: the moderator's edit, or a merge.
	Edited *Asset
	// IfVersion is the version of the asset a correction or closure (or
	// the asset named by MergeInto) must still be at for the decision to
	// be written; 0 means the version the suggestion was based on.
	IfVersion int64
	// ConfirmNew accepts a new asset although likely duplicates lie near.
	ConfirmNew bool
	// MergeInto, for a new asset, names the existing asset it is one place
	// with: Edited (required) is written to that asset, at IfVersion
	// (required), and no asset is added.
	MergeInto string
	// Place, for a drawing, names (or overrides) the place it is of.
	Place string
}

// FieldValues lays an asset out as the fields people compare and merge:
// name, category, status, address ... geometry (as GeoJSON, wound as RFC
// 7946 says) and each tag as tags.KEY.
func FieldValues(a Asset) map[string]string {
	f := map[string]string{"name": a.Name, "category": a.Category, "status": string(a.Status), "address": a.Address,
		"postcode": a.Postcode, "opening_hours": a.OpeningHours, "phone": a.Phone, "email": a.Email,
		"website": a.Website, "operator": a.Operator, "licence": a.Licence, "source": a.Source}
	if a.Geometry != nil {
		g, _ := json.Marshal(geojson.NewGeometry(rfc7946.Orient(a.Geometry)))
		f["geometry"] = string(g)
	}
	for k, v := range a.Tags {
		f["tags."+k] = v
	}
	return f
}

// setField sets field f (a FieldValues name) of a to from's value.
func setField(a *Asset, f string, from Asset) bool {
	switch f {
	case "name":
		a.Name = from.Name
	case "category":
		a.Category = from.Category
	case "status":
		a.Status = from.Status
	case "address":
		a.Address = from.Address
	case "postcode":
		a.Postcode = from.Postcode
	case "opening_hours":
		a.OpeningHours = from.OpeningHours
	case "phone":
		a.Phone = from.Phone
	case "email":
		a.Email = from.Email
	case "website":
		a.Website = from.Website
	case "operator":
		a.Operator = from.Operator
	case "licence":
		a.Licence = from.Licence
	case "source":
		a.Source = from.Source
	case "geometry":
		a.Geometry = from.Geometry
	default:
		k, ok := strings.CutPrefix(f, "tags.")
		if !ok {
			return false
		}
		tags := make(map[string]string, len(a.Tags)+1)
		for tk, tv := range a.Tags {
			tags[tk] = tv
		}
		if v, ok := from.Tags[k]; ok {
			tags[k] = v
		} else {
			delete(tags, k)
		}
		a.Tags = tags
	}
	return true
}

// FieldDiff is one field in a three-way comparison of a suggestion: the
// asset as the suggestion was based on it, as it is now, and as suggested.
type FieldDiff struct {
	Field     string `json:"field"`
	Base      string `json:"base"`
	Current   string `json:"current"`
	Suggested string `json:"suggested"`
	// Suggests: the suggestion changes this field. Since: someone changed
	// it after the suggestion was based on the asset. Conflict: both, to
	// different values.
	Suggests bool `json:"suggests"`
	Since    bool `json:"changed_since"`
	Conflict bool `json:"conflict"`
}

// ThreeWay compares base, current and suggested field by field, listing the
// fields that differ anywhere, by name.
func ThreeWay(base, current, suggested Asset) []FieldDiff {
	b, c, s := FieldValues(base), FieldValues(current), FieldValues(suggested)
	keys := map[string]bool{}
	for _, m := range []map[string]string{b, c, s} {
		for k := range m {
			keys[k] = true
		}
	}
	var out []FieldDiff
	for k := range keys {
		d := FieldDiff{Field: k, Base: b[k], Current: c[k], Suggested: s[k], Suggests: s[k] != b[k], Since: c[k] != b[k]}
		if !d.Suggests && !d.Since {
			continue
		}
		d.Conflict = d.Suggests && d.Since && s[k] != c[k]
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// MergeSuggestion applies a suggestion's changes (suggested against base)
// to the asset as it is now: the fields in take, or, when take is nil,
// every field the suggestion changes. Fields changed since and not taken
// keep their current value, so no later edit is lost unless a moderator
// names it. EINVALID for a field in take the suggestion does not change.
func MergeSuggestion(base, current, suggested Asset, take []string) (Asset, error) {
	changed := map[string]bool{}
	var order []string
	for _, d := range ThreeWay(base, current, suggested) {
		if d.Suggests {
			changed[d.Field] = true
			order = append(order, d.Field)
		}
	}
	if take == nil {
		take = order
	}
	out := current
	for _, f := range take {
		if !changed[f] {
			return out, Errorf(EINVALID, "take: the suggestion does not change %q", f)
		}
		setField(&out, f, suggested)
	}
	return out, nil
}

// MergeInto fills the gaps of an existing asset from a new one taken for
// the same place: fields and tags the existing asset lacks take the new
// asset's values; nothing the existing asset holds is overwritten, and it
// stays where it is.
func MergeInto(existing, suggested Asset) Asset {
	out := existing
	ev, sv := FieldValues(existing), FieldValues(suggested)
	keys := make([]string, 0, len(sv))
	for k := range sv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if ev[k] == "" && sv[k] != "" && k != "geometry" {
			setField(&out, k, suggested)
		}
	}
	return out
}
