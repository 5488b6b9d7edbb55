package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/placemap/placemap/internal/access"
)

// farShown is how many far origins and assets access prints before a count.
const farShown = 20

// printAccess says what a run found: origins, residents, what lies far
// from the network, the shares within each threshold, and for a scenario
// the residents it moved.
func printAccess(w io.Writer, r *access.Result, took time.Duration) {
	p, s := r.Params, r.Summary
	fmt.Fprintf(w, "access to %s from %s by %s network (%g km/h, up to %g minutes) in %s\n", p.Category, p.From, p.Mode, p.SpeedKmh, p.MaxMinutes, took.Round(time.Millisecond))
	fmt.Fprintf(w, "origins: %d (%d at population-weighted points), %d reached within %g minutes\n", s.Origins, s.WeightedOrigins, s.Reached, p.MaxMinutes)
	fmt.Fprintf(w, "residents: %.0f (%s)\n", s.Population, s.PopulationSource)
	fmt.Fprintf(w, "assets walked to: %d\n", len(s.Assets))
	fmt.Fprintf(w, "far from the network (more than %d m): %d\n", access.FarMetres, len(s.Far))
	for i, f := range s.Far {
		if i == farShown {
			fmt.Fprintf(w, "  … and %d more\n", len(s.Far)-farShown)
			break
		}
		fmt.Fprintf(w, "  %s %s %q: %.0f m\n", f.Kind, f.ID, f.Name, f.Metres)
	}
	var before *access.Summary
	if r.Scenario != nil {
		before = r.Scenario.Before
	}
	was := func(format string, v float64) string {
		if before == nil {
			return ""
		}
		return fmt.Sprintf(" (baseline "+format+")", v)
	}
	for _, t := range access.Thresholds {
		k := access.Key(t)
		fmt.Fprintf(w, "within %2d minutes: %5.1f%% of residents%s\n", t, s.Within[k]*100, was("%.1f%%", beforeOf(before, func(b *access.Summary) float64 { return b.Within[k] * 100 })))
	}
	fmt.Fprintf(w, "mean minutes (residents reached): %s%s\n", minutesOrNone(s.MeanMinutes), was("%.1f", beforeOf(before, func(b *access.Summary) float64 { return orNaN(b.MeanMinutes) })))
	fmt.Fprintf(w, "residents beyond %d minutes: %.0f%s\n", access.BeyondMinutes, s.BeyondResidents, was("%.0f", beforeOf(before, func(b *access.Summary) float64 { return b.BeyondResidents })))
	if c := r.Scenario; c != nil {
		fmt.Fprintf(w, "scenario: closed %s; opened %d\n", orNone(strings.Join(p.Close, ", ")), len(p.Open))
		for _, t := range access.Thresholds {
			k := access.Key(t)
			fmt.Fprintf(w, "moved beyond %2d minutes: %.0f residents; moved within: %.0f\n", t, c.MovedBeyond[k], c.MovedWithin[k])
		}
	}
	if len(s.IndicatorsWritten) > 0 {
		fmt.Fprintf(w, "indicators written on %s: %s\n", p.From, strings.Join(s.IndicatorsWritten, ", "))
	}
	fmt.Fprintf(w, "method: %s\n", s.Method)
}

// beforeOf reads a figure of the baseline, 0 when there is none.
func beforeOf(b *access.Summary, f func(*access.Summary) float64) float64 {
	if b == nil {
		return 0
	}
	return f(b)
}

// areasShown is how many areas of each --by set access prints.
const areasShown = 10

// printView lists the areas of a set most affected by a scenario, or with
// the most residents beyond BeyondMinutes for a baseline.
func printView(w io.Writer, r *access.Result, v *access.SetView) {
	areas := v.Areas
	k := access.Key(access.BeyondMinutes)
	if r.Scenario != nil {
		areas = affected(areas)
		if len(areas) == 0 {
			fmt.Fprintf(w, "%s: no area affected\n", v.Set)
			return
		}
		fmt.Fprintf(w, "%s: the %d areas most affected (residents moved beyond %s minutes first), of %d affected\n", v.Set, min(areasShown, len(areas)), k, len(areas))
	} else {
		areas = append([]access.AreaAccess(nil), areas...)
		sortByBeyond(areas)
		fmt.Fprintf(w, "%s: the %d areas with most residents beyond %s minutes\n", v.Set, min(areasShown, len(areas)), k)
	}
	for i, a := range areas {
		if i == areasShown {
			break
		}
		mean := "none reached"
		if a.MeanMinutes != nil {
			mean = fmt.Sprintf("mean %5.1f min", *a.MeanMinutes)
		}
		fmt.Fprintf(w, "  %-12s %-30s residents %7.0f, beyond %s min %7.0f (%5.1f%%), %s", a.Code, clip(a.Name, 30), a.Population, k, a.BeyondResidents, a.ShareBeyond*100, mean)
		if c := a.Change; c != nil {
			var beyond, within []string
			for _, t := range access.Thresholds {
				beyond = append(beyond, fmt.Sprintf("%.0f", c.MovedBeyond[access.Key(t)]))
				within = append(within, fmt.Sprintf("%.0f", c.MovedWithin[access.Key(t)]))
			}
			fmt.Fprintf(w, "; moved beyond 5/10/15/20 min %s, within %s", strings.Join(beyond, "/"), strings.Join(within, "/"))
		}
		fmt.Fprintln(w)
	}
}

// affected keeps the areas a scenario moved residents in or out of.
func affected(areas []access.AreaAccess) []access.AreaAccess {
	var out []access.AreaAccess
	for _, a := range areas {
		for _, t := range access.Thresholds {
			if k := access.Key(t); a.Change != nil && (a.Change.MovedBeyond[k] != 0 || a.Change.MovedWithin[k] != 0) {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

func sortByBeyond(areas []access.AreaAccess) {
	sort.SliceStable(areas, func(i, j int) bool {
		if a, b := areas[i].BeyondResidents, areas[j].BeyondResidents; a != b {
			return a > b
		}
		return areas[i].Code < areas[j].Code
	})
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// minutesOrNone is a mean walk to a tenth of a minute, or "none reached".
func minutesOrNone(m *float64) string {
	if m == nil {
		return "none reached"
	}
	return fmt.Sprintf("%.1f", *m)
}

// orNaN is *m, NaN for nil (printed as NaN: a baseline that reached no one).
func orNaN(m *float64) float64 {
	if m == nil {
		return math.NaN()
	}
	return *m
}
