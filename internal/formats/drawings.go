package formats

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// DrawingOptions say which properties of a file of residents' drawings
// hold what: the name they gave (NameField, "name" when empty) and their
// answers (Answers: question → property). Nothing else of a feature is
// kept: such files may hold names or e-mails of the people who drew.
type DrawingOptions struct {
	NameField string
	Answers   map[string]string
}

// ReadDrawings reads a GeoJSON FeatureCollection of residents' drawings
// (collected on paper or in another tool): each feature a Polygon or
// MultiPolygon, in longitude/latitude or British National Grid. A feature
// that is no outline (a Point, an invalid or too detailed one) refuses
// the file, naming its index. A drawing with no name gets "".
func ReadDrawings(r io.Reader, name string, opts DrawingOptions) ([]place.Drawing, error) {
	c, features, err := readFeatureCollection(r, name)
	if err != nil {
		return nil, err
	}
	if len(features) == 0 {
		return nil, invalidf(name, "the FeatureCollection has no features")
	}
	if err := featureError(name, features); err != nil {
		return nil, err
	}
	if opts.NameField == "" {
		opts.NameField = "name"
	}
	questions := make([]string, 0, len(opts.Answers))
	for q := range opts.Answers {
		questions = append(questions, q)
	}
	sort.Strings(questions)
	out := make([]place.Drawing, 0, len(features))
	for _, f := range features {
		d, err := readDrawing(c, f, opts, questions)
		if err != nil {
			return nil, invalidf(name, "feature %d: %s", f.index, place.ErrorMessage(err))
		}
		out = append(out, d)
	}
	return out, nil
}

// readDrawing turns one feature into a drawing: its outline in
// longitude/latitude, checked; its name and answers.
func readDrawing(c crs, f feature, opts DrawingOptions, questions []string) (place.Drawing, error) {
	mp, err := geo.ToMultiPolygon(f.geom)
	if err != nil {
		return place.Drawing{}, err
	}
	g, err := c.toLonLat(mp)
	if err != nil {
		return place.Drawing{}, place.Errorf(place.EINVALID, "geometry: %v", err)
	}
	mp = g.(orb.MultiPolygon) // toLonLat keeps the type
	if err := place.CheckDrawn("the outline", mp); err != nil {
		return place.Drawing{}, err
	}
	if _, err := geo.NewShape(mp); err != nil {
		return place.Drawing{}, place.Errorf(place.EINVALID, "the outline: %v", err)
	}
	d := place.Drawing{Geometry: mp, Answers: []place.Answer{}}
	d.Name = propertyText(f.props, opts.NameField)
	for _, q := range questions {
		if a := propertyText(f.props, opts.Answers[q]); a != "" {
			d.Answers = append(d.Answers, place.Answer{Question: q, Answer: a})
		}
	}
	return d, nil
}

// propertyText is a property's value as text, trimmed ("" when it is
// missing, null or not a scalar), the key matched ignoring case.
func propertyText(props map[string]any, field string) string {
	k, ok := lookupKey(props, field)
	if !ok {
		return ""
	}
	s, _ := scalarString(props[k])
	return strings.TrimSpace(s)
}

// ParseAnswerField reads --answer-field QUESTION=FIELD.
func ParseAnswerField(v string) (question, field string, err error) {
	q, f, ok := strings.Cut(v, "=")
	q, f = strings.TrimSpace(q), strings.TrimSpace(f)
	if !ok || q == "" || f == "" {
		return "", "", fmt.Errorf("%q: want QUESTION=FIELD, e.g. \"What makes it your neighbourhood?=why\"", v)
	}
	return q, f, nil
}
