package osm

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
)

// fieldTag maps one text field of an asset to OSM keys: read from the
// first key present, written to the first key. docs/osm-tags.md is kept
// in step with this table by a test.
type fieldTag struct {
	Field string
	Keys  []string
	ptr   func(*place.Asset) *string
}

var fieldTags = []fieldTag{
	{"name", []string{"name"}, func(a *place.Asset) *string { return &a.Name }},
	{"operator", []string{"operator"}, func(a *place.Asset) *string { return &a.Operator }},
	{"opening_hours", []string{"opening_hours"}, func(a *place.Asset) *string { return &a.OpeningHours }},
	{"website", []string{"website", "contact:website"}, func(a *place.Asset) *string { return &a.Website }},
	{"phone", []string{"phone", "contact:phone"}, func(a *place.Asset) *string { return &a.Phone }},
	{"email", []string{"email", "contact:email"}, func(a *place.Asset) *string { return &a.Email }},
	{"postcode", []string{"addr:postcode"}, func(a *place.Asset) *string { return &a.Postcode }},
}

// The address is "housenumber street, city" from these keys, read only
// when addr:street is present (else from addr:full), and parsed back.
const (
	keyHouseNumber = "addr:housenumber"
	keyStreet      = "addr:street"
	keyCity        = "addr:city"
	keyFull        = "addr:full"
)

// lifecycle is an OSM lifecycle prefix (disused:amenity=library) and the
// status it means. Reading, a category found only under a prefix gets the
// prefix's status; writing, a closed asset's feature keys get disused: and
// a proposed one's proposed:.
type lifecycle struct {
	Prefix string
	Status place.Status
}

var lifecycles = []lifecycle{
	{"disused:", place.Closed},
	{"abandoned:", place.Closed},
	{"was:", place.Closed},
	{"proposed:", place.Proposed},
	{"construction:", place.Proposed},
}

// writePrefix is the prefix ToTags gives a status's feature keys.
var writePrefix = map[place.Status]string{place.Closed: "disused:", place.Proposed: "proposed:"}

// featureKeys are the keys that say what a thing is, the ones lifecycle
// prefixes go on (disused:amenity=community_centre keeps
// community_centre=village_hall as it is).
var featureKeys = map[string]bool{"amenity": true, "leisure": true, "shop": true, "office": true, "club": true, "healthcare": true, "tourism": true}

// closedHours are opening_hours values that mean closed for good.
var closedHours = map[string]bool{"closed": true, "off": true}

// Internal keys: placemap's own bookkeeping, never written to OSM.
const (
	KeyVersion   = "osm:version"   // the OSM version the asset was read at
	KeyTimestamp = "osm:timestamp" // and its timestamp, RFC 3339
)

var internalPrefixes = []string{"placemap:", "libraries_hacked:"}

func internalKey(k string) bool {
	if k == KeyVersion || k == KeyTimestamp {
		return true
	}
	for _, p := range internalPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// classify finds the category of tags, the status they give, and the keys
// that say the category (consumed: ToTags writes them back from the
// category). Live tags win over lifecycle-prefixed ones.
func classify(tags map[string]string) (cat place.Category, status place.Status, consumed []string, ok bool) {
	if id, ok := place.CategoryFromTags(tags); ok {
		cat, _ = place.CategoryByID(id)
		for k := range cat.OSM {
			consumed = append(consumed, k)
		}
		status = place.Open
		if closedHours[strings.ToLower(strings.TrimSpace(tags["opening_hours"]))] {
			status = place.Closed
		}
		return cat, status, consumed, true
	}
	for _, lc := range lifecycles {
		var merged map[string]string
		from := map[string]string{}
		for k, v := range tags {
			base, ok := strings.CutPrefix(k, lc.Prefix)
			if !ok {
				continue
			}
			if _, live := tags[base]; live {
				continue
			}
			if merged == nil {
				merged = make(map[string]string, len(tags))
				for k, v := range tags {
					merged[k] = v
				}
			}
			merged[base], from[base] = v, k
		}
		if merged == nil {
			continue
		}
		if id, ok := place.CategoryFromTags(merged); ok {
			cat, _ = place.CategoryByID(id)
			for k := range cat.OSM {
				if pk, ok := from[k]; ok {
					consumed = append(consumed, pk)
				} else {
					consumed = append(consumed, k)
				}
			}
			return cat, lc.Status, consumed, true
		}
	}
	return place.Category{}, "", nil, false
}

// Civic reports whether tags describe a civic asset: their tags map to a
// placemap category (place.CategoryFromTags), live or under a lifecycle
// prefix such as disused:, so that closed libraries are read too. It is
// Read's default Keep.
func Civic(tags map[string]string) bool {
	_, _, _, ok := classify(tags)
	return ok
}

// ToAsset maps an object to an asset, ok false when its tags have no
// category (see Civic) or it has no geometry (Read could not build it).
//
// The asset's ID is left for the caller; SourceID is o.Ref(). Category is
// the most specific match; Status is open, closed when the category tags
// carry disused:, abandoned: or was:, or opening_hours is closed or off,
// proposed under proposed: or construction:. The fields come from the
// keys of docs/osm-tags.md; Tags keeps every other tag, so that nothing
// civic is lost, plus osm:version and osm:timestamp. Geometry is a Point
// for a node, the Polygon or MultiPolygon for an area, the Center for a
// way that is not closed.
//
// Name is the name tag and may be empty: OSM leaves many toilets and
// playgrounds unnamed, and place.Asset.Validate refuses them, so the
// caller decides whether to skip or name them.
func ToAsset(o Object, source, licence, attribution string) (place.Asset, bool) {
	cat, status, consumed, ok := classify(o.Tags)
	if !ok {
		return place.Asset{}, false
	}
	var g orb.Geometry
	switch o.Geometry.(type) {
	case orb.Point, orb.Polygon, orb.MultiPolygon:
		g = o.Geometry
	case orb.LineString:
		g = o.Center
	default:
		return place.Asset{}, false
	}
	a := place.Asset{
		Category:    cat.ID,
		Status:      status,
		Geometry:    g,
		Source:      source,
		SourceID:    o.Ref(),
		Licence:     licence,
		Attribution: attribution,
	}
	used := make(map[string]bool, len(consumed)+8)
	for _, k := range consumed {
		used[k] = true
	}
	for _, f := range fieldTags {
		for _, k := range f.Keys {
			if v := o.Tags[k]; strings.TrimSpace(v) != "" {
				*f.ptr(&a) = v
				used[k] = true
				break
			}
		}
	}
	if street := o.Tags[keyStreet]; strings.TrimSpace(street) != "" {
		a.Address = formatAddress(o.Tags[keyHouseNumber], street, o.Tags[keyCity])
		used[keyHouseNumber], used[keyStreet], used[keyCity] = true, true, true
	} else if full := o.Tags[keyFull]; strings.TrimSpace(full) != "" {
		a.Address = full
		used[keyFull] = true
	}
	tags := make(map[string]string, len(o.Tags)+2)
	for k, v := range o.Tags {
		if !used[k] {
			tags[k] = v
		}
	}
	if o.Version > 0 {
		tags[KeyVersion] = strconv.Itoa(o.Version)
	}
	if !o.Timestamp.IsZero() {
		tags[KeyTimestamp] = o.Timestamp.UTC().Format(time.RFC3339)
	}
	if len(tags) > 0 {
		a.Tags = tags
	}
	return a, true
}

// formatAddress writes "12 High Street, Leeds", leaving out what is empty.
func formatAddress(number, street, city string) string {
	s := strings.TrimSpace(strings.TrimSpace(number) + " " + strings.TrimSpace(street))
	if c := strings.TrimSpace(city); c != "" {
		s += ", " + c
	}
	return s
}

var houseNumberRE = regexp.MustCompile(`^\d+[A-Za-z]?(?:[-/]\d+[A-Za-z]?)?$`)

// parseAddress splits an address of the form formatAddress writes: one or
// two comma-separated parts, the first perhaps starting with a house
// number. ok is false for anything else.
func parseAddress(s string) (number, street, city string, ok bool) {
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	switch {
	case len(parts) == 1:
		street = parts[0]
	case len(parts) == 2 && parts[1] != "":
		street, city = parts[0], parts[1]
	default:
		return "", "", "", false
	}
	if street == "" {
		return "", "", "", false
	}
	if first, rest, found := strings.Cut(street, " "); found && houseNumberRE.MatchString(first) && strings.TrimSpace(rest) != "" {
		number, street = first, strings.TrimSpace(rest)
	}
	return number, street, city, true
}

// ToTags returns the OSM tags for an asset, to write it back: the asset's
// Tags without placemap's internal keys (osm:version, osm:timestamp,
// placemap:*, libraries_hacked:*), then the category's tags (under
// disused: for a closed asset, unless opening_hours says closed, and
// proposed: for a proposed one), then the fields, which win over Tags:
// name, operator, opening_hours, website, phone, email, addr:postcode, and
// the address parsed back into addr:housenumber, addr:street and addr:city
// when it has that form, else addr:full.
func ToTags(a place.Asset) map[string]string {
	tags := make(map[string]string, len(a.Tags)+8)
	for k, v := range a.Tags {
		if !internalKey(k) {
			tags[k] = v
		}
	}
	if cat, ok := place.CategoryByID(a.Category); ok {
		prefix := writePrefix[a.Status]
		if a.Status == place.Closed && closedHours[strings.ToLower(strings.TrimSpace(a.OpeningHours))] {
			prefix = "" // opening_hours says it
		}
		for k, v := range cat.OSM {
			if prefix != "" && featureKeys[k] {
				delete(tags, k)
				tags[prefix+k] = v
			} else {
				tags[k] = v
			}
		}
	}
	for _, f := range fieldTags {
		if v := *f.ptr(&a); v != "" {
			tags[f.Keys[0]] = v
		}
	}
	if a.Address != "" {
		if number, street, city, ok := parseAddress(a.Address); ok {
			tags[keyStreet] = street
			if number != "" {
				tags[keyHouseNumber] = number
			}
			if city != "" {
				tags[keyCity] = city
			}
		} else {
			tags[keyFull] = a.Address
		}
	}
	return tags
}

// otherKeys are the OSM keys beyond the fields and the category's tags
// that an asset's Tags may carry to OSM: established keys that mean the
// same in OSM as here. otherPrefixes are namespaces of such keys. Every
// other key of Tags (a column of the file the asset came from, such as
// statutory_2016) stays here and is listed as not mapped. A category's own
// keys (community_centre, social_facility...) go too. docs/osm-tags.md
// lists them, kept in step by a test.
var otherKeys = []string{
	"access", "alt_name", "building", "capacity", "changing_table", "check_date", "denomination", "drinking_water",
	"fee", "internet_access", "level", "official_name", "old_name", "operator:type", "ref", "religion", "short_name",
	"start_date", "toilets", "unisex", "wheelchair", "wikidata", "wikipedia",
}

var otherPrefixes = []string{"addr:", "contact:", "name:", "internet_access:", "opening_hours:", "operator:", "toilets:", "wheelchair:"}

// osmKey reports whether key k of an asset's Tags is one the tag table
// writes to OSM.
func osmKey(k string) bool {
	if internalKey(k) {
		return false
	}
	if slices.Contains(otherKeys, k) {
		return true
	}
	for _, f := range fieldTags {
		if slices.Contains(f.Keys, k) {
			return true
		}
	}
	for _, p := range otherPrefixes {
		if strings.HasPrefix(k, p) && len(k) > len(p) {
			return true
		}
	}
	for _, c := range place.Categories() {
		if _, ok := c.OSM[k]; ok {
			return true
		}
	}
	for _, lc := range lifecycles {
		if base, ok := strings.CutPrefix(k, lc.Prefix); ok && featureKeys[base] {
			return true
		}
	}
	return false
}

// WriteTags returns the tags to write to OSM for an asset, through the tag
// table only: the category's tags, the fields, the address, and those of
// its Tags that are OSM keys (osmKey). unmapped lists, sorted, the keys of
// its Tags left out because the table does not map them (placemap's own
// bookkeeping, osm:version and the like, is left out without a mention).
//
// base, when not nil, is the object's tags in OSM as placemap last read
// them, for a modification: a modify replaces the whole tag set, so every
// key of base is written back, with the asset's value where the table maps
// it and OSM's otherwise. A key the asset lacks is never removed from OSM.
func WriteTags(a place.Asset, base map[string]string) (tags map[string]string, unmapped []string) {
	all := ToTags(a)
	tags = make(map[string]string, len(all)+len(base))
	for k, v := range base {
		if !internalKey(k) {
			tags[k] = v
		}
	}
	// The feature keys say what the object is, live or under a lifecycle
	// prefix: the asset's status decides which form stays.
	if _, ok := place.CategoryByID(a.Category); ok {
		for k := range featureKeys {
			if _, ours := all[k]; ours {
				for _, lc := range lifecycles {
					delete(tags, lc.Prefix+k)
				}
				continue
			}
			for _, lc := range lifecycles {
				if _, ours := all[lc.Prefix+k]; ours {
					delete(tags, k)
				}
			}
		}
	}
	for k, v := range all {
		switch {
		case fromTable(a, k) || osmKey(k):
			tags[k] = v
		case base != nil && base[k] != "":
			// OSM's key, kept as OSM has it; the value here went nowhere
			// (it is not a key placemap maps) unless it is OSM's too.
			if v != base[k] {
				unmapped = append(unmapped, k)
			}
		default:
			unmapped = append(unmapped, k)
		}
	}
	sort.Strings(unmapped)
	return tags, unmapped
}

// fromTable reports whether ToTags wrote key k of a from the asset's
// category, fields or address rather than from its Tags.
func fromTable(a place.Asset, k string) bool {
	if _, inTags := a.Tags[k]; !inTags {
		return true
	}
	for _, f := range fieldTags {
		if f.Keys[0] == k && *f.ptr(&a) != "" {
			return true
		}
	}
	if cat, ok := place.CategoryByID(a.Category); ok {
		for ck := range cat.OSM {
			if ck == k || strings.HasSuffix(k, ":"+ck) {
				return true
			}
		}
	}
	switch k {
	case keyStreet, keyHouseNumber, keyCity, keyFull:
		return a.Address != ""
	}
	return false
}
