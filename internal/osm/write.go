package osm

import (
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	pgeo "github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// UnnamedTag marks an asset whose name placemap made from its category
// because OSM gives none; the name is never written back.
const UnnamedTag = "placemap:unnamed"

// Element is one OSM object to write: a node, or a way with its nodes.
type Element struct {
	Type    string // node or way
	ID      int64  // negative for new objects
	Version int    // the OSM version a modify is based on; 0 for new
	Lat     float64
	Lon     float64
	Nodes   []int64 // way: node ids in order
	Tags    map[string]string
}

// Changes are what placemap offers back to OSM: new objects, and modified
// ones with their full tag sets.
type Changes struct {
	Create  []Element // new nodes first, then ways that use them
	Modify  []Element
	Blocked []Blocked // assets that may not or cannot go back, and why
	Sources []string  // attributions of the data contributed, for the changeset's source tag
}

// Blocked is an asset left out of a contribution.
type Blocked struct {
	Asset  place.Asset
	Reason string
}

// MayContribute reports whether an asset's licence lets it into OSM: the
// contributor's own survey, CC0, the Open Government Licence (with
// attribution in the changeset), or data that came from OSM (ODbL).
func MayContribute(licence string) (bool, string) {
	l := strings.ToUpper(strings.TrimSpace(licence))
	switch {
	case l == "":
		return false, "licence unknown: record it (own survey, CC0, OGL) before contributing"
	case strings.Contains(l, "OWN") || strings.HasPrefix(l, "CC0") || strings.HasPrefix(l, "OGL") || strings.HasPrefix(l, "ODBL"):
		return true, ""
	}
	return false, "licence " + licence + " is not compatible with the ODbL without the rights holder's permission"
}

// Contribution builds the changes that give OSM what it lacks: assets
// that are not from OSM become new objects (unless matched says OSM has
// them already), and OSM-derived assets edited here (version above 1)
// become modifications with their full tag sets. matched lists the local
// ids conflation paired with an OSM object; nil when no OSM file was given.
// Assets linked to an OSM object by a reviewer (LinkTag) are OSM's
// already; keptOut names assets a reviewer decided to keep out of OSM, with
// why.
func Contribution(assets []place.Asset, matched map[string]bool, keptOut map[string]string) Changes {
	var c Changes
	next := int64(-1)
	newID := func() int64 { id := next; next--; return id }
	sources := map[string]bool{}
	var ways []Element
	for _, a := range assets {
		ok, why := MayContribute(a.Licence)
		fromOSM := strings.HasPrefix(a.SourceID, "osm:")
		switch {
		case !ok:
			c.Blocked = append(c.Blocked, Blocked{a, why})
			continue
		case keptOut[a.ID] != "":
			c.Blocked = append(c.Blocked, Blocked{a, "kept out of OSM on review: " + keptOut[a.ID]})
			continue
		case fromOSM && a.Version <= 1:
			continue // unchanged since it came from OSM
		case !fromOSM && (matched[a.ID] || a.Tags[LinkTag] != ""):
			continue // OSM has it already
		}
		tags := ToTags(a)
		if a.Tags[UnnamedTag] == "yes" {
			delete(tags, "name")
		}
		if fromOSM {
			typ, id, ok := parseRef(a.SourceID)
			if !ok || typ != Node {
				c.Blocked = append(c.Blocked, Blocked{a, "edited " + a.SourceID + ": tag changes on ways and relations need their node lists; make them in an OSM editor"})
				continue
			}
			v, _ := strconv.Atoi(a.Tags[KeyVersion])
			pt := pgeo.PointOnSurface(a.Geometry)
			c.Modify = append(c.Modify, Element{Type: Node, ID: id, Version: v, Lon: pt[0], Lat: pt[1], Tags: tags})
			continue
		}
		switch g := a.Geometry.(type) {
		case orb.Point:
			c.Create = append(c.Create, Element{Type: Node, ID: newID(), Lon: g[0], Lat: g[1], Tags: tags})
		case orb.Polygon:
			if len(g) != 1 {
				c.Blocked = append(c.Blocked, Blocked{a, "a site with holes needs a multipolygon: map it in an OSM editor"})
				continue
			}
			ring := g[0]
			if len(ring) > 1 && ring[0] == ring[len(ring)-1] {
				ring = ring[:len(ring)-1]
			}
			w := Element{Type: Way, ID: 0, Tags: tags}
			for _, p := range ring {
				id := newID()
				c.Create = append(c.Create, Element{Type: Node, ID: id, Lon: p[0], Lat: p[1], Tags: map[string]string{}})
				w.Nodes = append(w.Nodes, id)
			}
			w.Nodes = append(w.Nodes, w.Nodes[0])
			ways = append(ways, w)
		default:
			c.Blocked = append(c.Blocked, Blocked{a, "a site of several parts needs a multipolygon: map it in an OSM editor"})
			continue
		}
		if a.Attribution != "" {
			sources[a.Attribution] = true
		}
	}
	for _, w := range ways {
		w.ID = newID()
		c.Create = append(c.Create, w)
	}
	c.Sources = slices.Sorted(maps.Keys(sources))
	return c
}

func parseRef(ref string) (typ string, id int64, ok bool) {
	rest, found := strings.CutPrefix(ref, "osm:")
	if !found {
		return "", 0, false
	}
	typ, idText, found := strings.Cut(rest, "/")
	if !found {
		return "", 0, false
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	return typ, id, err == nil
}

// WriteOsmChange writes the changes as an osmChange (.osc) document:
// <create> with negative ids for new objects, <modify> with full tag sets.
func WriteOsmChange(w io.Writer, c Changes) error {
	bw := &errWriter{w: w}
	bw.printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	bw.comment(c)
	bw.printf("<osmChange version=\"0.6\" generator=\"placemap\">\n")
	for _, group := range []struct {
		name string
		els  []Element
	}{{"create", c.Create}, {"modify", c.Modify}} {
		if len(group.els) == 0 {
			continue
		}
		bw.printf("  <%s>\n", group.name)
		for _, e := range group.els {
			bw.element(e, "")
		}
		bw.printf("  </%s>\n", group.name)
	}
	bw.printf("</osmChange>\n")
	return bw.err
}

// WriteJOSM writes the changes as a JOSM .osm file for review before
// upload: new objects with negative ids, modified ones marked
// action="modify".
func WriteJOSM(w io.Writer, c Changes) error {
	bw := &errWriter{w: w}
	bw.printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	bw.comment(c)
	bw.printf("<osm version=\"0.6\" generator=\"placemap\" upload=\"true\">\n")
	for _, e := range c.Create {
		bw.element(e, "")
	}
	for _, e := range c.Modify {
		bw.element(e, "modify")
	}
	bw.printf("</osm>\n")
	return bw.err
}

type errWriter struct {
	w   io.Writer
	err error
}

func (b *errWriter) printf(format string, args ...any) {
	if b.err == nil {
		_, b.err = fmt.Fprintf(b.w, format, args...)
	}
}

func (b *errWriter) comment(c Changes) {
	b.printf("<!-- placemap contribution: %d new, %d modified. Attribute in the changeset's source tag:", len(c.Create), len(c.Modify))
	for _, s := range c.Sources {
		b.printf(" %s;", xmlComment(s))
	}
	b.printf(" -->\n")
}

func xmlComment(s string) string { return strings.ReplaceAll(s, "--", "—") }

func esc(s string) string {
	var sb strings.Builder
	_ = xml.EscapeText(&sb, []byte(s))
	return strings.ReplaceAll(sb.String(), `"`, "&#34;")
}

func (b *errWriter) element(e Element, action string) {
	attrs := fmt.Sprintf(`id="%d"`, e.ID)
	if e.Version > 0 {
		attrs += fmt.Sprintf(` version="%d"`, e.Version)
	} else if action == "" && e.ID < 0 && b != nil {
		attrs += ` version="0"`
	}
	if action != "" {
		attrs += ` action="` + action + `"`
	}
	if e.Type == Node {
		attrs += fmt.Sprintf(` lat="%s" lon="%s"`, strconv.FormatFloat(e.Lat, 'f', 7, 64), strconv.FormatFloat(e.Lon, 'f', 7, 64))
	}
	keys := make([]string, 0, len(e.Tags))
	for k := range e.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 && len(e.Nodes) == 0 {
		b.printf("    <%s %s/>\n", e.Type, attrs)
		return
	}
	b.printf("    <%s %s>\n", e.Type, attrs)
	for _, n := range e.Nodes {
		b.printf("      <nd ref=\"%d\"/>\n", n)
	}
	for _, k := range keys {
		b.printf("      <tag k=\"%s\" v=\"%s\"/>\n", esc(k), esc(e.Tags[k]))
	}
	b.printf("    </%s>\n", e.Type)
}
