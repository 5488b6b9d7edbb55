package web

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/placemap/placemap/internal/testkit"
)

// TestPaletteForColourBlindness runs test/js/palette.mjs on palette.js:
// category and boundary-set colours stay apart under simulated colour-vision
// deficiencies and keep 3:1 contrast with the background.
func TestPaletteForColourBlindness(t *testing.T) {
	node := testkit.Need(t, "node", "nodejs")
	out, err := exec.Command(node, filepath.Join(testkit.RepoRoot(t), "test/js/palette.mjs")).CombinedOutput()
	if err != nil {
		t.Fatalf("palette check: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
