// Package seeds embeds the demo: which geodata files become which boundary
// sets (demo.json) and the sample assets.
package seeds

import "embed"

// FS holds demo.json and the seed asset files.
//
//go:embed demo.json *.geojson
var FS embed.FS
