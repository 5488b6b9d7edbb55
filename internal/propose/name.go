package propose

import (
	"fmt"
	"slices"
	"strings"
)

// name turns labels into a plan: each area named for its best-matching
// area of the first fit set that labels its blocks (else its nest area),
// duplicates told apart by the nest area's name (and then a number), and
// coded SLUG-001… in order of nest area code, name and first block code.
func name(p *Problem, area []int32, na int) *Plan {
	type info struct {
		label    int
		name     string
		nest     int32
		first    string
		nestCode string
	}
	infos := make([]info, na)
	members := make([][]int, na)
	for i, a := range area {
		members[a] = append(members[a], i)
	}
	for a := range na {
		in := info{label: a, nest: p.Blocks[members[a][0]].Nest, first: p.Blocks[members[a][0]].Code}
		for _, i := range members[a] {
			in.first = min(in.first, p.Blocks[i].Code)
		}
		if in.nest >= 0 {
			in.nestCode = p.NestCodes[in.nest]
		}
		for _, af := range areaFits(p, members[a]) {
			if af.Code != "" {
				in.name = af.Name
				if in.name == "" {
					in.name = af.Code
				}
				break
			}
		}
		if in.name == "" {
			in.name = nestName(p, in.nest)
		}
		if in.name == "" {
			in.name = "Area"
		}
		infos[a] = in
	}
	count := map[string]int{}
	for _, in := range infos {
		count[in.name]++
	}
	for a := range infos {
		if count[infos[a].name] > 1 && infos[a].nest >= 0 {
			if n := nestName(p, infos[a].nest); n != "" && n != infos[a].name {
				infos[a].name += " (" + n + ")"
			}
		}
	}
	slices.SortFunc(infos, func(x, y info) int {
		if c := strings.Compare(x.nestCode, y.nestCode); c != 0 {
			return c
		}
		if c := strings.Compare(x.name, y.name); c != 0 {
			return c
		}
		return strings.Compare(x.first, y.first)
	})
	slug := p.Slug
	if slug == "" {
		slug = "area"
	}
	plan := &Plan{Area: make([]int32, len(area)), Codes: make([]string, na), Names: make([]string, na)}
	newLabel := make([]int32, na)
	seen := map[string]int{}
	for n, in := range infos {
		newLabel[in.label] = int32(n)
		plan.Codes[n] = fmt.Sprintf("%s-%03d", slug, n+1)
		seen[in.name]++
		plan.Names[n] = in.name
		if seen[in.name] > 1 {
			plan.Names[n] = fmt.Sprintf("%s %d", in.name, seen[in.name])
		}
	}
	for i, a := range area {
		plan.Area[i] = newLabel[a]
	}
	return plan
}

func nestName(p *Problem, n int32) string {
	if n < 0 {
		return ""
	}
	if int(n) < len(p.NestNames) && p.NestNames[n] != "" {
		return p.NestNames[n]
	}
	return p.NestCodes[n]
}
