// Package geodata embeds the real open data the demo and tests use. Every
// folder keeps its SOURCE and licence files.
package geodata

import "embed"

// FS holds the data files, by their paths under geodata/.
//
//go:embed sheffield libraries basemap
var FS embed.FS
