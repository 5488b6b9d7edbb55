package osm

import (
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/paulmach/orb/geo"

	pgeo "github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// Outcome says how one object fared in conflation.
type Outcome string

// The outcomes.
const (
	Matched   Outcome = "matched"    // the same place in both, perhaps with different tags
	OnlyOSM   Outcome = "only_osm"   // in OSM, not held locally
	OnlyLocal Outcome = "only_local" // held locally, missing from OSM
	Ambiguous Outcome = "ambiguous"  // more than one plausible partner; a person decides
)

// Match is one line of a conflation: an OSM object, a local asset, or a
// pair of them.
type Match struct {
	Outcome    Outcome
	Local      *place.Asset // nil for only_osm
	OSM        *place.Asset // nil for only_local; ToAsset of the OSM object
	By         string       // "osm id", or "distance and name"
	DistanceM  float64
	NameScore  float64     // 0..1
	Candidates []string    // ambiguous: the partners in play
	Diff       []TagChange // matched: where the local record and OSM disagree
}

// TagChange is a tag whose value differs between the local record and OSM.
type TagChange struct {
	Key   string
	Local string
	OSM   string
}

// RadiusM is how far apart a local record and an OSM object may lie and
// still be the same place: buildings move little, parks are big.
func RadiusM(category string) float64 {
	switch category {
	case "park", "garden", "sports_centre", "playground":
		return 500
	}
	return 100
}

// compatible groups categories that one place may be tagged as: a village
// hall tagged amenity=townhall is the community centre held locally.
var compatible = [][]string{
	{"community_centre", "community_hall", "village_hall", "town_hall", "family_hub", "youth_centre", "social_centre", "arts_centre"},
	{"day_centre", "social_facility", "food_bank", "outreach"},
	{"park", "garden", "playground"},
}

// Compatible reports whether two categories may describe one place.
func Compatible(a, b string) bool {
	if a == b {
		return true
	}
	for _, g := range compatible {
		in := func(c string) bool {
			for _, x := range g {
				if x == c {
					return true
				}
			}
			return false
		}
		if in(a) && in(b) {
			return true
		}
	}
	return false
}

// Conflate pairs OSM objects with local assets: first by OSM id (a local
// asset read from the object, or linked to it by a person), then by distance within the
// category's radius, a compatible category and alike names. Where an
// object has more than one plausible partner, or a partner is claimed
// twice, the outcome is ambiguous and a person decides.
func Conflate(local, fromOSM []place.Asset) []Match {
	c := conflation{local: local, fromOSM: fromOSM, usedLocal: map[int]bool{}, usedOSM: map[int]bool{}}
	c.matchByRef()
	c.matchByDistanceAndName()
	c.addUnmatched()
	sort.SliceStable(c.out, func(x, y int) bool {
		if c.out[x].Outcome != c.out[y].Outcome {
			return c.out[x].Outcome < c.out[y].Outcome
		}
		return matchKey(c.out[x]) < matchKey(c.out[y])
	})
	return c.out
}

// conflation is one run of Conflate: the two sides, which of each is
// already in a line (by index), and the lines so far.
type conflation struct {
	local, fromOSM     []place.Asset
	usedLocal, usedOSM map[int]bool
	out                []Match
}

// candidate is a local asset that may be an OSM object.
type candidate struct {
	i     int // in local
	score float64
	dist  float64
	name  float64
}

// matchByRef pairs the objects and assets that share an OSM id.
func (c *conflation) matchByRef() {
	byRef := map[string]int{}
	for i, a := range c.local {
		if ref := Ref(a); ref != "" {
			byRef[ref] = i
		}
	}
	for j := range c.fromOSM {
		if i, ok := byRef[c.fromOSM[j].SourceID]; ok {
			c.usedLocal[i], c.usedOSM[j] = true, true
			c.out = append(c.out, pair(&c.local[i], &c.fromOSM[j], "osm id"))
		}
	}
}

// matchByDistanceAndName pairs the objects left with the assets left by
// distance, name and category: an object with two close candidates, or
// an asset chosen by two objects, is ambiguous.
func (c *conflation) matchByDistanceAndName() {
	claims := map[int][]int{} // local index → OSM indexes that chose it
	choice := map[int]candidate{}
	for j := range c.fromOSM {
		if c.usedOSM[j] {
			continue
		}
		o := &c.fromOSM[j]
		cs := c.candidates(o)
		if len(cs) == 0 {
			continue
		}
		sort.Slice(cs, func(x, y int) bool { return cs[x].score > cs[y].score })
		if len(cs) > 1 && cs[0].score-cs[1].score < 0.1 {
			m := Match{Outcome: Ambiguous, OSM: o, By: "distance and name"}
			for _, cd := range cs {
				m.Candidates = append(m.Candidates, c.local[cd.i].ID)
			}
			c.usedOSM[j] = true
			c.out = append(c.out, m)
			continue
		}
		choice[j] = cs[0]
		claims[cs[0].i] = append(claims[cs[0].i], j)
	}
	for i, js := range claims {
		if len(js) == 1 {
			j := js[0]
			m := pair(&c.local[i], &c.fromOSM[j], "distance and name")
			m.DistanceM, m.NameScore = choice[j].dist, choice[j].name
			c.usedLocal[i], c.usedOSM[j] = true, true
			c.out = append(c.out, m)
			continue
		}
		// Two OSM objects chose the same local record.
		m := Match{Outcome: Ambiguous, Local: &c.local[i], By: "distance and name"}
		for _, j := range js {
			m.Candidates = append(m.Candidates, c.fromOSM[j].SourceID)
			c.usedOSM[j] = true
		}
		c.usedLocal[i] = true
		c.out = append(c.out, m)
	}
}

// candidates are the local assets not yet in a line that may be o: of a
// compatible category, within the radius, with an alike name (or, when
// either has none, very close).
func (c *conflation) candidates(o *place.Asset) []candidate {
	po := pgeo.PointOnSurface(o.Geometry)
	var cs []candidate
	for i := range c.local {
		if c.usedLocal[i] || !Compatible(c.local[i].Category, o.Category) {
			continue
		}
		d := geo.Distance(pgeo.PointOnSurface(c.local[i].Geometry), po)
		r := math.Max(RadiusM(c.local[i].Category), RadiusM(o.Category))
		if d > r {
			continue
		}
		ns := place.NameScore(c.local[i].Name, o.Name)
		if c.local[i].Tags[UnnamedTag] == "yes" || o.Tags[UnnamedTag] == "yes" {
			// No name to go by: only what lies very close counts.
			ns = 0.5
			if d > r/5 {
				continue
			}
		}
		if ns < place.MinNameScore {
			continue
		}
		cs = append(cs, candidate{i, ns - 0.5*d/r, d, ns})
	}
	return cs
}

// addUnmatched adds a line for each object and each asset in no line yet.
func (c *conflation) addUnmatched() {
	for j := range c.fromOSM {
		if !c.usedOSM[j] {
			c.out = append(c.out, Match{Outcome: OnlyOSM, OSM: &c.fromOSM[j]})
		}
	}
	// A local asset in play in an ambiguous line is not "only local": it
	// may well be that object, and a person decides.
	inPlay := map[string]bool{}
	for _, m := range c.out {
		if m.Outcome == Ambiguous && m.Local == nil {
			for _, id := range m.Candidates {
				inPlay[id] = true
			}
		}
	}
	for i := range c.local {
		if !c.usedLocal[i] && !inPlay[c.local[i].ID] {
			c.out = append(c.out, Match{Outcome: OnlyLocal, Local: &c.local[i]})
		}
	}
}

func matchKey(m Match) string {
	if m.Local != nil {
		return m.Local.Name + "\x00" + m.Local.ID
	}
	return m.OSM.Name + "\x00" + m.OSM.SourceID
}

func pair(l, o *place.Asset, by string) Match {
	m := Match{Outcome: Matched, Local: l, OSM: o, By: by}
	m.DistanceM = geo.Distance(pgeo.PointOnSurface(l.Geometry), pgeo.PointOnSurface(o.Geometry))
	m.NameScore = place.NameScore(l.Name, o.Name)
	lt, ot := ToTags(*l), ToTags(*o)
	keys := map[string]bool{}
	for k := range lt {
		keys[k] = true
	}
	for k := range ot {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if lt[k] != ot[k] {
			m.Diff = append(m.Diff, TagChange{Key: k, Local: lt[k], OSM: ot[k]})
		}
	}
	return m
}

// LinkTag links an asset held here to the OSM object a person confirmed
// is the same place (its ref, osm:node/123). Like every placemap: key it
// is never written to OSM; conflation matches on it as on an OSM id.
const LinkTag = "placemap:osm"

// Ref is the OSM object an asset is, or was confirmed to be: its source id
// for one read from OSM, its link otherwise; "" for neither.
func Ref(a place.Asset) string {
	if strings.HasPrefix(a.SourceID, "osm:") {
		return a.SourceID
	}
	return a.Tags[LinkTag]
}

// Attribution is what an asset holding OSM data must credit.
const Attribution = "© OpenStreetMap contributors, ODbL 1.0"

// Adopt takes OSM's values for keys into a local asset: its tags as OSM
// would read them (ToTags), with those keys set to OSM's values (removed
// where OSM has none), read back as an asset. The asset keeps its id,
// geometry, source, licence and placemap's own keys; it gains the link to
// the OSM object and, when it took any value, OSM's attribution.
func Adopt(local, fromOSM place.Asset, keys []string) (place.Asset, error) {
	lt, ot := ToTags(local), ToTags(fromOSM)
	for _, k := range keys {
		if v, ok := ot[k]; ok {
			lt[k] = v
		} else {
			delete(lt, k)
		}
	}
	back, ok := ToAsset(Object{Tags: lt, Geometry: local.Geometry}, local.Source, local.Licence, local.Attribution)
	if !ok {
		return local, place.Errorf(place.EINVALID, "asset %s: with OSM's %s it would have no category placemap knows", local.ID, strings.Join(keys, ", "))
	}
	out := local
	out.Name, out.Category, out.Status = back.Name, back.Category, back.Status
	out.Address, out.Postcode, out.OpeningHours = back.Address, back.Postcode, back.OpeningHours
	out.Phone, out.Email, out.Website, out.Operator = back.Phone, back.Email, back.Website, back.Operator
	out.Tags = map[string]string{}
	for k, v := range local.Tags {
		if internalKey(k) {
			out.Tags[k] = v
		}
	}
	for k, v := range back.Tags {
		out.Tags[k] = v
	}
	if out.Tags[UnnamedTag] == "yes" && slices.Contains(keys, "name") && fromOSM.Tags[UnnamedTag] != "yes" {
		delete(out.Tags, UnnamedTag)
	}
	if ref := Ref(fromOSM); ref != "" && !strings.HasPrefix(local.SourceID, "osm:") {
		out.Tags[LinkTag] = ref
	}
	if strings.HasPrefix(local.SourceID, "osm:") && local.SourceID == fromOSM.SourceID {
		// Reviewed against this version of the object: a modify sent back
		// is based on it.
		for _, k := range []string{KeyVersion, KeyTimestamp} {
			if v := fromOSM.Tags[k]; v != "" {
				out.Tags[k] = v
			}
		}
	}
	if len(keys) > 0 && !strings.Contains(out.Attribution, "OpenStreetMap") {
		out.Attribution = strings.TrimPrefix(out.Attribution+"; "+Attribution, "; ")
	}
	if len(out.Tags) == 0 {
		out.Tags = nil
	}
	return out, nil
}
