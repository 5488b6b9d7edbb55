package place

import (
	"strings"
	"testing"
)

func TestClassifyChanges(t *testing.T) {
	l := func(old, new string, shareOld, shareNew, iou float64) Successor {
		return Successor{OldSet: "r1", OldCode: old, NewSet: "r2", NewCode: new, ShareOfOld: shareOld, ShareOfNew: shareNew, IoU: iou, Status: LinkComputed}
	}
	old := []AreaRef{{"SAME", "Same"}, {"OLDNAME", "Old name"}, {"MOVED", "Moved"}, {"BIG", "Big"}, {"M1", "Merged one"}, {"M2", "Merged two"}, {"GONE", "Gone"}, {"SNUB", "Snubbed"}}
	new := []AreaRef{{"SAME", "same "}, {"NEWCODE", "Old name"}, {"MOVED2", "Moved"}, {"BIGA", "Big A"}, {"BIGB", "Big B"}, {"M", "Merged"}, {"FRESH", "Fresh"}, {"KEEP", "Kept"}}
	links := []Successor{
		l("SAME", "SAME", 1, 1, 0.995),
		l("OLDNAME", "NEWCODE", 1, 0.999, 0.999),
		l("MOVED", "MOVED2", 0.9, 0.8, 0.75), l("MOVED", "BIGA", 0.1, 0.02, 0.02),
		l("BIG", "BIGA", 0.55, 0.9, 0.5), l("BIG", "BIGB", 0.45, 1, 0.45),
		l("M1", "M", 1, 0.6, 0.6), l("M2", "M", 1, 0.4, 0.4),
		l("GONE", "KEEP", 0.005, 0.001, 0.001),
		{OldSet: "r1", OldCode: "SNUB", NewSet: "r2", NewCode: "KEEP", ShareOfOld: 1, ShareOfNew: 1, IoU: 1, Status: LinkRejected},
		l("OTHER", "KEEP", 1, 1, 1), // another pair of releases: ignored
	}
	links[len(links)-1].OldSet = "r0"
	want := map[string]ChangeClass{"SAME": Unchanged, "OLDNAME": Renamed, "MOVED": Redrawn, "BIG": Split, "M1": Merged, "M2": Merged,
		"GONE": Retired, "SNUB": Retired, "FRESH": NewArea, "KEEP": NewArea}
	got := ClassifyChanges("r1", old, "r2", new, links)
	seen := map[string]ChangeClass{}
	for _, c := range got {
		seen[c.Code] = c.Change
		if c.Change == Redrawn && c.Main != "MOVED2" {
			t.Errorf("%s: main successor %q, want MOVED2", c.Code, c.Main)
		}
	}
	for code, w := range want {
		if seen[code] != w {
			t.Errorf("%s: %q, want %q", code, seen[code], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d changes, want %d (old areas and new areas without predecessor): %+v", len(got), len(want), got)
	}
	// Renaming the name alone, with the code kept, is a rename too.
	got = ClassifyChanges("r1", []AreaRef{{"X", "Before"}}, "r2", []AreaRef{{"X", "After"}}, []Successor{{OldSet: "r1", OldCode: "X", NewSet: "r2", NewCode: "X", ShareOfOld: 1, ShareOfNew: 1, IoU: 1}})
	if got[0].Change != Renamed {
		t.Errorf("same code, new name: %q, want renamed", got[0].Change)
	}
}

func TestSeriesNeighbours(t *testing.T) {
	s := Series{Releases: []string{"a", "b", "c"}}
	if s.Next("b") != "c" || s.Next("a") != "b" || s.Next("c") != "" || s.Next("x") != "" {
		t.Error("Next wrong")
	}
	sets := []BoundarySet{{Slug: "z", ReleaseDate: "2019-05"}, {Slug: "undated"}, {Slug: "y", ReleaseDate: "2013"}, {Slug: "x", ReleaseDate: "2019-05"}}
	OrderReleases(sets)
	var order []string
	for _, b := range sets {
		order = append(order, b.Slug)
	}
	if got := strings.Join(order, " "); got != "y x z undated" {
		t.Errorf("release order %q, want y x z undated", got)
	}
}
