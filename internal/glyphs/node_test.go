package glyphs

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/testkit"
)

// TestRangesReadAsMapLibreDoes reads ranges with pbf under node, the way
// MapLibre's glyph reader does (test/js/decode-glyphs.mjs), an independent
// check of the encoding.
func TestRangesReadAsMapLibreDoes(t *testing.T) {
	node := testkit.Need(t, "node", "nodejs")
	root := testkit.RepoRoot(t)
	fonts := New()
	for _, tc := range []struct{ stack, rng string }{{Regular, "0-255"}, {Bold, "256-511"}, {Regular, "20224-20479"}} {
		b, err := fonts.Range(tc.stack, tc.rng)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), tc.rng+".pbf")
		if err := os.WriteFile(file, b, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(node, filepath.Join(root, "test/js/decode-glyphs.mjs"), file)
		cmd.Dir = root
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("decode-glyphs.mjs: %v\n%s", err, stderr.String())
		}
		var d struct {
			Stacks []struct {
				Name, Range string
				Glyphs      []struct {
					ID, Width, Height, Advance int
					BitmapFits                 bool `json:"bitmap_fits"`
					Max, Min                   int
				}
			}
		}
		if err := json.Unmarshal(out, &d); err != nil {
			t.Fatalf("decode output: %v\n%s", err, out)
		}
		if len(d.Stacks) != 1 || d.Stacks[0].Name != tc.stack || d.Stacks[0].Range != tc.rng {
			t.Fatalf("%s %s: read %s", tc.stack, tc.rng, out[:min(len(out), 200)])
		}
		drawn := 0
		for _, g := range d.Stacks[0].Glyphs {
			if !g.BitmapFits {
				t.Errorf("%s U+%04X: bitmap does not fit %d×%d", tc.stack, g.ID, g.Width, g.Height)
			}
			if g.Width > 0 && g.Max > 192 && g.Min < 192 {
				drawn++
			}
		}
		if tc.rng != "20224-20479" && drawn < 100 {
			t.Errorf("%s %s: %d glyphs with a distance field spanning the edge, want most", tc.stack, tc.rng, drawn)
		}
	}
}
