package main

import (
	"fmt"
	"io"
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
	for _, t := range access.Thresholds {
		fmt.Fprintf(w, "within %2d minutes: %5.1f%% of residents\n", t, s.Within[access.Key(t)]*100)
	}
	fmt.Fprintf(w, "mean minutes (residents reached): %.1f\n", s.MeanMinutes)
	fmt.Fprintf(w, "residents beyond %d minutes: %.0f\n", access.BeyondMinutes, s.BeyondResidents)
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

// areasShown is how many areas of each --by set access prints.
const areasShown = 10

// printView lists the areas of a set most affected by a scenario, or with
// the most residents beyond BeyondMinutes for a baseline.
func printView(w io.Writer, r *access.Result, v *access.SetView) {
	areas := v.Areas
	k := access.Key(access.BeyondMinutes)
	if r.Scenario != nil {
		fmt.Fprintf(w, "%s: the %d areas most affected (residents moved beyond %s minutes)\n", v.Set, min(areasShown, len(areas)), k)
	} else {
		areas = append([]access.AreaAccess(nil), areas...)
		sortByBeyond(areas)
		fmt.Fprintf(w, "%s: the %d areas with most residents beyond %s minutes\n", v.Set, min(areasShown, len(areas)), k)
	}
	for i, a := range areas {
		if i == areasShown {
			break
		}
		fmt.Fprintf(w, "  %-12s %-30s residents %7.0f, beyond %s min %7.0f (%5.1f%%), mean %5.1f min", a.Code, clip(a.Name, 30), a.Population, k, a.BeyondResidents, a.ShareBeyond*100, a.MeanMinutes)
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
