package place

import (
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// Drawing is a resident's drawing of a place: evidence of where people
// think the place is, never an edit of a boundary set. It keeps the
// outline, the name the resident uses and their answers to the
// deployment's questions, and never who drew it (the suggestion that
// brought it keeps its author for moderation).
type Drawing struct {
	ID       string
	Place    string // the place's slug; "" until a moderator names it
	Name     string
	Answers  []Answer
	Geometry orb.MultiPolygon
	// Source is DrawingByResident, or "import: FILE" for drawings
	// collected elsewhere.
	Source string
	Status string // DrawingPending, DrawingPublished or DrawingRejected
	// KeyHash is the stored form of the private key its resident comes
	// back with ("" for imported drawings); never shown.
	KeyHash   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Answer is a resident's answer to one of the deployment's questions.
type Answer struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Drawing states and sources.
const (
	DrawingPending    = "pending"
	DrawingPublished  = "published"
	DrawingRejected   = "rejected"
	DrawingByResident = "resident"
)

// Limits on a drawing's text: its name, its answers (at most
// MaxDrawingAnswers, each at most MaxAnswerBytes) and a question.
const (
	MaxDrawingName    = 200
	MaxDrawingAnswers = 20
	MaxAnswerBytes    = 2000
	MaxQuestionBytes  = 300
)

// DefaultDrawingQuestions are the questions a deployment asks with a
// drawing unless it configures its own.
var DefaultDrawingQuestions = []string{"What do you call this area?", "What makes it your neighbourhood?"}

// ParseDrawingQuestions reads a deployment's questions, separated by "|"
// (blank ones dropped; "" asks none): EINVALID for too many, too long or
// repeated ones.
func ParseDrawingQuestions(s string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, q := range strings.Split(s, "|") {
		q = strings.TrimSpace(q)
		switch {
		case q == "":
			continue
		case len(q) > MaxQuestionBytes:
			return nil, Errorf(EINVALID, "drawing question %q is longer than %d bytes", Excerpt(q), MaxQuestionBytes)
		case seen[q]:
			return nil, Errorf(EINVALID, "drawing question %q is asked twice", Excerpt(q))
		}
		if err := CheckText("a drawing question", q); err != nil {
			return nil, err
		}
		seen[q] = true
		out = append(out, q)
	}
	if len(out) > MaxDrawingAnswers {
		return nil, Errorf(EINVALID, "%d drawing questions: at most %d", len(out), MaxDrawingAnswers)
	}
	return out, nil
}

// DrawingAnswers orders a resident's answers (question → answer) as the
// deployment asks its questions, dropping blank ones: EINVALID naming a
// question the deployment does not ask, or an answer too long.
func DrawingAnswers(given map[string]string, questions []string) ([]Answer, error) {
	asked := map[string]bool{}
	for _, q := range questions {
		asked[q] = true
	}
	for q := range given {
		if !asked[q] {
			return nil, Errorf(EINVALID, "answers: %q is not one of this map's questions (%s)", Excerpt(q), strings.Join(questions, " | "))
		}
	}
	out := []Answer{}
	for _, q := range questions {
		a := strings.TrimSpace(given[q])
		if a != "" {
			out = append(out, Answer{Question: q, Answer: a})
		}
	}
	return out, nil
}

// CheckDrawing validates a drawing's fields before a store keeps it: a
// name, its text, its answers and the number of corners (CheckDrawn).
// The store checks the outline with the geometry engine after this.
func CheckDrawing(d Drawing) error {
	if strings.TrimSpace(d.Name) == "" {
		return Errorf(EINVALID, "feature: properties.name: say what you call the area you drew")
	}
	if len(d.Name) > MaxDrawingName {
		return Errorf(EINVALID, "name is longer than %d bytes", MaxDrawingName)
	}
	if err := CheckText("name", d.Name); err != nil {
		return err
	}
	if d.Place != "" && !ValidSlug(d.Place) {
		return Errorf(EINVALID, "place %q is not a place slug", Excerpt(d.Place))
	}
	if len(d.Answers) > MaxDrawingAnswers {
		return Errorf(EINVALID, "%d answers: a drawing carries at most %d", len(d.Answers), MaxDrawingAnswers)
	}
	for i, a := range d.Answers {
		if len(a.Answer) > MaxAnswerBytes || len(a.Question) > MaxQuestionBytes {
			return Errorf(EINVALID, "answer %d (%q) is longer than %d bytes", i, Excerpt(a.Question), MaxAnswerBytes)
		}
		if err := CheckText(fmt.Sprintf("answer %d", i), a.Question+a.Answer); err != nil {
			return err
		}
	}
	if len(d.Geometry) == 0 {
		return Errorf(EINVALID, "the drawing has no outline")
	}
	return CheckDrawn("the drawing", d.Geometry)
}

// CheckThreshold refuses a share of drawings (or definitions) outside
// (0, 1].
func CheckThreshold(t float64) error {
	if !(t > 0 && t <= 1) {
		return Errorf(EINVALID, "threshold %g: want a share above 0 and at most 1 (0.5 for a majority)", t)
	}
	return nil
}

// ConsensusMethod says how an adopted outline was made from n drawings
// at a threshold, for the area's provenance; it says so when one drawing
// alone made it.
func ConsensusMethod(n int, threshold float64) string {
	pct := fmt.Sprintf("%g%%", threshold*100)
	if n == 1 {
		return "ground the only resident's drawing covers (threshold " + pct + " of 1 drawing): one drawing alone"
	}
	return fmt.Sprintf("ground at least %s of %d residents' drawings cover", pct, n)
}

// ConsensusNote is the note of the place link an adopted consensus makes.
func ConsensusNote(n int) string {
	if n == 1 {
		return "from 1 resident's drawing"
	}
	return fmt.Sprintf("consensus of %d residents' drawings", n)
}
