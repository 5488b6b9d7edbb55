package main

import (
	"testing"

	"github.com/placemap/placemap/internal/testkit"
)

// TestPhoneInChromium: on a 390×844 touch screen the panel is a bottom
// sheet (folded down, half, fully open; tapped, dragged, Enter, Escape)
// over a map filled by the demo city; a tapped asset's details are read
// in the sheet while the asset stays in sight above it; a neighbourhood
// drawn by touch gets its form docked below the outline and is sent; the
// Compare view's controls are usable with the map still showing; touch
// targets are 44 px, text 14 px, and axe finds nothing serious
// (test/browser/phone.mjs).
func TestPhoneInChromium(t *testing.T) {
	testkit.NeedNodeModules(t, "axe-core")
	runBrowserScript(t, "phone.mjs", "browser-phone")
}
