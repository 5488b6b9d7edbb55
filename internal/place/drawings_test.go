package place

import (
	"strings"
	"testing"
)

func TestParseDrawingQuestions(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  string
	}{
		{"What do you call this area?|What makes it your neighbourhood?", DefaultDrawingQuestions, ""},
		{" One? | | Two? ", []string{"One?", "Two?"}, ""},
		{"", []string{}, ""},
		{"Same?|Same?", nil, "asked twice"},
		{strings.Repeat("q", MaxQuestionBytes+1), nil, "longer than"},
		{"bad\x00", nil, "NUL"},
	} {
		got, err := ParseDrawingQuestions(tc.in)
		checkErr(t, err, tc.err)
		if err == nil && strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
		}
	}
	many := make([]string, MaxDrawingAnswers+1)
	for i := range many {
		many[i] = "Q" + string(rune('a'+i)) + "?"
	}
	_, err := ParseDrawingQuestions(strings.Join(many, "|"))
	checkErr(t, err, "at most")
}

func TestDrawingAnswers(t *testing.T) {
	qs := DefaultDrawingQuestions
	got, err := DrawingAnswers(map[string]string{qs[1]: " the park ", qs[0]: "Heeley", "": ""}, append(qs, ""))
	if err != nil || len(got) != 2 || got[0] != (Answer{qs[0], "Heeley"}) || got[1] != (Answer{qs[1], "the park"}) {
		t.Errorf("answers %v, %v", got, err)
	}
	_, err = DrawingAnswers(map[string]string{"Who are you?": "me"}, qs)
	checkErr(t, err, `"Who are you?" is not one of this map's questions`)
	if got, err := DrawingAnswers(nil, qs); err != nil || got == nil || len(got) != 0 {
		t.Errorf("no answers: %v, %v", got, err)
	}
}

func TestCheckDrawing(t *testing.T) {
	good := Drawing{ID: "d", Name: "Heeley", Place: "heeley", Geometry: unitSquare(-1.4, 53.3), Answers: []Answer{{"Q?", "A"}}}
	many := make([]Answer, MaxDrawingAnswers+1)
	for _, tc := range []struct {
		name string
		edit func(d *Drawing)
		want string
	}{
		{"good", func(d *Drawing) {}, ""},
		{"no name", func(d *Drawing) { d.Name = " " }, "properties.name"},
		{"long name", func(d *Drawing) { d.Name = strings.Repeat("n", MaxDrawingName+1) }, "longer than"},
		{"bad place", func(d *Drawing) { d.Place = "Heeley!" }, "not a place slug"},
		{"many answers", func(d *Drawing) { d.Answers = many }, "at most"},
		{"long answer", func(d *Drawing) { d.Answers = []Answer{{"Q?", strings.Repeat("a", MaxAnswerBytes+1)}} }, "longer than"},
		{"NUL in an answer", func(d *Drawing) { d.Answers = []Answer{{"Q?", "a\x00"}} }, "NUL"},
		{"no outline", func(d *Drawing) { d.Geometry = nil }, "no outline"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := good
			tc.edit(&d)
			checkErr(t, CheckDrawing(d), tc.want)
		})
	}
}

func TestConsensusMethod(t *testing.T) {
	if got := ConsensusMethod(37, 0.5); got != "ground at least 50% of 37 residents' drawings cover" {
		t.Errorf("37: %q", got)
	}
	if got := ConsensusMethod(1, 1); !strings.Contains(got, "one drawing alone") {
		t.Errorf("1: %q", got)
	}
	if ConsensusNote(37) != "consensus of 37 residents' drawings" || CheckThreshold(0) == nil || CheckThreshold(1.01) == nil || CheckThreshold(1) != nil {
		t.Error("note or threshold")
	}
}
