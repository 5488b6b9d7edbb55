package osm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// jsonScanner reads Overpass JSON ({"elements": [...]}, also the OSM
// API's JSON) one element at a time, so that memory stays flat.
type jsonScanner struct {
	ctx   context.Context
	d     *json.Decoder
	in    *elementReader
	name  string
	f     filter
	n     *counts
	e     element
	state int // 0 before the elements, 1 in them, 2 after
	index int // of the next element in the array
	keys  []string
	found bool   // the object has an "elements" array
	ovErr string // a runtime error Overpass put in "remark"
	bad   error
}

func newJSONScanner(ctx context.Context, r io.Reader, name string, f filter, n *counts, lim *limits) *jsonScanner {
	in := &elementReader{r: r, lim: lim, what: "Overpass JSON element"}
	return &jsonScanner{ctx: ctx, d: json.NewDecoder(in), in: in, name: name, f: f, n: n}
}

// overpassElement is one element of the array, of any type.
type overpassElement struct {
	Type      string            `json:"type"`
	ID        *int64            `json:"id"`
	Lat       *float64          `json:"lat"`
	Lon       *float64          `json:"lon"`
	Timestamp string            `json:"timestamp"`
	Version   int               `json:"version"`
	Tags      map[string]string `json:"tags"`
	Nodes     []int64           `json:"nodes"`
	Members   []overpassMember  `json:"members"`
	Center    *overpassPoint    `json:"center"`
	Geometry  []*overpassPoint  `json:"geometry"` // null where a node lies outside the query's bbox
}

type overpassMember struct {
	Type     string           `json:"type"`
	Ref      int64            `json:"ref"`
	Role     string           `json:"role"`
	Lat      *float64         `json:"lat"`
	Lon      *float64         `json:"lon"`
	Geometry []*overpassPoint `json:"geometry"`
}

type overpassPoint struct {
	Lat *float64 `json:"lat"`
	Lon *float64 `json:"lon"`
}

// point is p's position; false when it lacks lat or lon, which would
// otherwise read as 0 and put the object on Null Island.
func (p *overpassPoint) point() (orb.Point, bool) {
	if p == nil || p.Lat == nil || p.Lon == nil {
		return orb.Point{}, false
	}
	return orb.Point{*p.Lon, *p.Lat}, true
}

func (j *jsonScanner) element() *element { return &j.e }
func (j *jsonScanner) close()            {}
func (j *jsonScanner) err() error        { return j.bad }

func (j *jsonScanner) scan() bool {
	if j.bad != nil {
		return false
	}
	for {
		j.in.next() // each element is bounded on its own
		if err := j.ctx.Err(); err != nil {
			j.bad = err
			return false
		}
		switch j.state {
		case 0:
			if !j.toElements() {
				return false
			}
		case 1:
			if !j.d.More() {
				if _, err := j.d.Token(); err != nil { // ]
					j.bad = j.syntax(err)
					return false
				}
				j.state = 2
				continue
			}
			var oe overpassElement
			start := j.d.InputOffset()
			if err := j.d.Decode(&oe); err != nil {
				j.bad = j.elementError(err, start)
				return false
			}
			i := j.index
			j.index++
			ok, err := j.convert(&oe)
			if err != nil {
				j.bad = invalidf(j.name, "element %d: %v", i, err)
				return false
			}
			if ok {
				return true
			}
		case 2:
			j.finish()
			return false
		}
	}
}

// toElements reads up to the start of the "elements" array.
func (j *jsonScanner) toElements() bool {
	t, err := j.d.Token()
	if err != nil {
		j.bad = j.syntax(err)
		return false
	}
	if t != json.Delim('{') {
		j.bad = invalidf(j.name, "not Overpass JSON: want an object {\"elements\": [...]}, found %s", describeToken(t))
		return false
	}
	for j.d.More() {
		if !j.key() {
			return false
		}
		if j.state == 1 {
			return true
		}
	}
	j.state = 2
	return true
}

// key reads one key of the top-level object and its value, or the start
// of the elements array.
func (j *jsonScanner) key() bool {
	t, err := j.d.Token()
	if err != nil {
		j.bad = j.syntax(err)
		return false
	}
	k, _ := t.(string)
	j.keys = append(j.keys, k)
	switch k {
	case "elements":
		t, err := j.d.Token()
		if err != nil {
			j.bad = j.syntax(err)
			return false
		}
		if t != json.Delim('[') {
			j.bad = invalidf(j.name, "not Overpass JSON: \"elements\" is %s, want an array", describeToken(t))
			return false
		}
		if j.found {
			j.bad = invalidf(j.name, "not Overpass JSON: \"elements\" appears twice")
			return false
		}
		j.found, j.state = true, 1
	case "remark":
		var s any
		if err := j.d.Decode(&s); err != nil {
			j.bad = j.syntax(err)
			return false
		}
		if r, ok := s.(string); ok && strings.Contains(r, "error") {
			j.ovErr = r
		}
	default:
		var skip json.RawMessage
		if err := j.d.Decode(&skip); err != nil {
			j.bad = j.syntax(err)
			return false
		}
	}
	return true
}

// finish reads what follows the elements array and checks the whole.
func (j *jsonScanner) finish() {
	for j.d.More() {
		if !j.key() {
			return
		}
		if j.state == 1 { // a second "elements"
			return
		}
	}
	if _, err := j.d.Token(); err != nil { // }
		j.bad = j.syntax(err)
		return
	}
	end := j.d.InputOffset()
	if _, err := j.d.Token(); err != io.EOF {
		j.bad = invalidf(j.name, "not Overpass JSON: more follows the object, which ends at byte %d", end)
		return
	}
	switch {
	case !j.found:
		keys := append([]string(nil), j.keys...)
		sort.Strings(keys)
		list := "none"
		if len(keys) > 0 {
			list = strings.Join(keys, ", ")
		}
		j.bad = invalidf(j.name, "not Overpass JSON: the object has no \"elements\" array (its keys: %s)", list)
	case j.ovErr != "":
		j.bad = invalidf(j.name, "Overpass reported an error, so the result is incomplete: %s", j.ovErr)
	}
	j.state = 3
}

// syntax describes a JSON decoding error with where it happened.
func (j *jsonScanner) syntax(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return invalidf(j.name, "malformed JSON near byte %d (after %s): %v", se.Offset, plural(int64(j.index), "element"), err)
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		return invalidf(j.name, "the JSON ends early at byte %d, after %s: the file looks truncated", j.d.InputOffset(), plural(int64(j.index), "element"))
	}
	return err // an I/O error; Read tells it apart
}

// elementError describes an error decoding the element that starts at
// byte start (the decoder's offsets within a value are not the file's).
func (j *jsonScanner) elementError(err error, start int64) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return invalidf(j.name, "element %d (from byte %d): malformed JSON: %v", j.index, start, err)
	case errors.As(err, &te):
		return invalidf(j.name, "element %d (from byte %d): field %q is %s, want %s", j.index, start, te.Field, te.Value, te.Type)
	}
	return j.syntax(err)
}

func describeToken(t json.Token) string {
	switch t := t.(type) {
	case json.Delim:
		if t == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return fmt.Sprintf("the string %q", t)
	case nil:
		return "null"
	default:
		return fmt.Sprintf("%v", t)
	}
}

// convert turns an element into j.e if the filter wants it.
func (j *jsonScanner) convert(oe *overpassElement) (bool, error) {
	switch oe.Type {
	case Node, Way, Relation:
	case "area", "count", "timeline", "derived":
		return false, nil // Overpass's own kinds of output, not map data
	case "":
		return false, fmt.Errorf("no \"type\"; want node, way or relation")
	default:
		return false, fmt.Errorf("type %q is not node, way or relation", oe.Type)
	}
	if oe.ID == nil {
		return false, fmt.Errorf("%s has no \"id\"", oe.Type)
	}
	j.n.add(oe.Type)
	if !j.f.want(oe.Type, *oe.ID, len(oe.Tags) > 0) {
		return false, nil
	}
	e := element{typ: oe.Type, id: *oe.ID, version: oe.Version, tagMap: oe.Tags}
	r := ref(oe.Type, *oe.ID)
	if oe.Timestamp != "" {
		ts, err := time.Parse(time.RFC3339, oe.Timestamp)
		if err != nil {
			return false, fmt.Errorf("%s: timestamp %q is not RFC 3339", r, oe.Timestamp)
		}
		e.ts = ts
	}
	if e.tagMap == nil {
		e.tagMap = map[string]string{}
	}
	if oe.Center != nil {
		c, ok := oe.Center.point()
		if !ok {
			return false, fmt.Errorf("%s: center lacks lat or lon", r)
		}
		e.center = &c
	}
	switch oe.Type {
	case Node:
		if (oe.Lat == nil) != (oe.Lon == nil) {
			return false, fmt.Errorf("%s has lat or lon but not both", r)
		}
		if oe.Lat != nil {
			e.pt, e.hasPt = orb.Point{*oe.Lon, *oe.Lat}, true
		}
	case Way:
		e.refs = oe.Nodes
		var err error
		if e.pts, err = points(oe.Geometry); err != nil {
			return false, fmt.Errorf("%s: %v", r, err)
		}
		if e.pts != nil && e.refs != nil && len(e.refs) != len(e.pts) {
			return false, fmt.Errorf("%s has %d nodes but %d geometry points", r, len(e.refs), len(e.pts))
		}
	case Relation:
		e.members = make([]member, len(oe.Members))
		for i, m := range oe.Members {
			pts, err := points(m.Geometry)
			if err != nil {
				return false, fmt.Errorf("%s: member %d: %v", r, i, err)
			}
			e.members[i] = member{typ: m.Type, ref: m.Ref, role: m.Role, pts: pts}
		}
	}
	if err := checkElement(&e); err != nil {
		return false, fmt.Errorf("%s: %v", r, err)
	}
	j.e = e
	return true, nil
}

// points returns the positions of an out geom geometry, nil if it has
// none or lacks some (nodes outside the query's bbox come as null).
// A point given without lat or lon is an error, not (0, 0).
func points(g []*overpassPoint) ([]orb.Point, error) {
	if len(g) == 0 {
		return nil, nil
	}
	pts := make([]orb.Point, len(g))
	for i, p := range g {
		if p == nil {
			return nil, nil
		}
		pt, ok := p.point()
		if !ok {
			return nil, fmt.Errorf("geometry point %d lacks lat or lon", i)
		}
		pts[i] = pt
	}
	return pts, nil
}
