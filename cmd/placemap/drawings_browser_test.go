package main

import (
	"testing"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/testkit"
)

// TestDrawingsInChromium (issue 18, part 1): residents' drawings as
// evidence. Six drawings of broomhill are sent and published through the
// API by a moderator; then a visitor draws theirs, sends it and sees it
// against the place's drawings surface with its private link; the link,
// opened in a fresh browser, loads the drawing and changes it (PUT), and a
// wrong key gets a plain message; the moderator moves the Places view's
// threshold slider (the outline's area changes) and adopts the consensus,
// which makes an area of the community set with its provenance. axe-core
// at desktop and at phone size (test/browser/drawings.mjs).
func TestDrawingsInChromium(t *testing.T) {
	testkit.NeedNodeModules(t, "axe-core")
	base := serveWithUsers(t, map[string]auth.Role{"mod@example.org": auth.Moderator})
	runBrowser(t, "drawings.mjs", "browser-drawings", base, "mod@example.org", testPassword, "broomhill", "community-neighbourhoods")
}
