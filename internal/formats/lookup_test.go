package formats

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
)

func TestReadLookupRealFiles(t *testing.T) {
	tests := []struct {
		file               string
		unit, group, name  string
		rows, groups       int
		first              LookupRow
		groupNamesAreCodes bool
	}{
		{"ref_OAs_2011_to_Sheff_100_nhoods_for_fb_db10022021.csv", "OA_2011", "NHOOD_CODE", "NHOOD_NAME", 1817, 100,
			LookupRow{Unit: "E00039953", Group: "1", GroupName: "High Green", Line: 2}, false},
		// Quoted fields, and column names given in another case.
		{"ccg_pcn_practice_groupings.csv", "lsoa_code", "Network", "", 345, 16,
			LookupRow{Unit: "E01007833", Group: "PEAK EDGE", GroupName: "PEAK EDGE", Line: 2}, true},
		{"ccg_pcn_practice_groupings.csv", "LSOA_CODE", "LOCALITY", "", 345, 4,
			LookupRow{Unit: "E01007833", Group: "CENTRAL", GroupName: "CENTRAL", Line: 2}, true},
	}
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.group, func(t *testing.T) {
			f, err := os.Open(geodata + "sheffield/lookups/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := ReadLookup(f, tt.file, tt.unit, tt.group, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != tt.rows {
				t.Errorf("%d rows, want %d", len(rows), tt.rows)
			}
			groups := map[string]bool{}
			for i, r := range rows {
				groups[r.Group] = true
				if r.Line != i+2 {
					t.Errorf("row %d has line %d, want %d", i, r.Line, i+2)
				}
				if tt.groupNamesAreCodes && r.GroupName != r.Group {
					t.Errorf("line %d: group name %q, want the code %q", r.Line, r.GroupName, r.Group)
				}
			}
			if len(groups) != tt.groups {
				t.Errorf("%d groups, want %d", len(groups), tt.groups)
			}
			if rows[0] != tt.first {
				t.Errorf("first row %+v, want %+v", rows[0], tt.first)
			}
		})
	}
}

func TestReadLookup(t *testing.T) {
	src := bom + "Unit, Group ,Name\n" +
		"u1,g1,\n" + // named on a later line
		"u2,g1,Group One\n" +
		"\"u3\",\"g2\",\"Two, Second\"\n" +
		"u2,g1,Group One\n" + // the same assignment again: read once
		",,\n"
	got, err := ReadLookup(strings.NewReader(src), "l.csv", "unit", "group", "name")
	if err != nil {
		t.Fatal(err)
	}
	want := []LookupRow{
		{Unit: "u1", Group: "g1", GroupName: "Group One", Line: 2},
		{Unit: "u2", Group: "g1", GroupName: "Group One", Line: 3},
		{Unit: "u3", Group: "g2", GroupName: "Two, Second", Line: 4},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestReadLookupErrors(t *testing.T) {
	const file = "nhoods.csv"
	tests := []struct {
		name                   string
		src                    string
		unit, group, nameField string
		want                   string
	}{
		{"missing group column", "OA_2011,NHOOD_CODE,NHOOD_NAME\nE1,1,A\n", "OA_2011", "NHOOD", "",
			`nhoods.csv: line 1: no group column "NHOOD"; the columns are OA_2011, NHOOD_CODE, NHOOD_NAME`},
		{"missing unit column", "OA,G\nE1,1\n", "OA_2011", "G", "",
			`nhoods.csv: line 1: no unit column "OA_2011"; the columns are OA, G`},
		{"missing name column", "OA,G\nE1,1\n", "OA", "G", "G_NAME",
			`nhoods.csv: line 1: no group name column "G_NAME"`},
		{"empty unit", "OA,G\nE1,1\n ,2\n", "OA", "G", "",
			`nhoods.csv: line 3: field "OA" (the unit) is empty`},
		{"empty group", "OA,G\nE1,1\nE2,\n", "OA", "G", "",
			`nhoods.csv: line 3: field "G" (the group) is empty for unit E2`},
		{"unit in two groups", "OA,G\nE1,1\nE2,1\nE1,2\n", "OA", "G", "",
			`nhoods.csv: line 4: field "G": unit E1 is in group 2 here but in group 1 at line 2`},
		{"group with two names", "OA,G,N\nE1,1,High Green\nE2,1,Highgreen\n", "OA", "G", "N",
			`nhoods.csv: line 3: field "N": group 1 is named "Highgreen" here but "High Green" at line 2`},
		{"field count", "OA,G\nE1,1\nE2\n", "OA", "G", "",
			"nhoods.csv: line 3: wrong number of fields"},
		{"header only", "OA,G\n", "OA", "G", "", "nhoods.csv: no rows"},
		{"empty", "", "OA", "G", "", "nhoods.csv: the file is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadLookup(strings.NewReader(tt.src), file, tt.unit, tt.group, tt.nameField)
			if err == nil {
				t.Fatal("no error")
			}
			if place.ErrorCode(err) != place.EINVALID {
				t.Errorf("code %q, want %q (%v)", place.ErrorCode(err), place.EINVALID, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\n does not contain %q", err, tt.want)
			}
		})
	}
}
