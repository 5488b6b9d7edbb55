// Package web embeds the map front end served at the site root.
package web

import "embed"

// FS holds index.html, app.js, app.css and the vendored MapLibre.
//
//go:embed index.html app.js app.css util.js views.js edit.js community.js osmreview.js palette.js vendor
var FS embed.FS
