// Package web embeds the map front end served at the site root: index.html,
// app.css, the ES modules (app.js is the entry point; see its comment for
// where each part lives) and the vendored MapLibre GL JS and terra-draw.
// The modules' unit tests live in test/web, outside what is served.
package web

import "embed"

// FS holds the files served at the site root.
//
//go:embed index.html embed.html app.css *.js map panel views edit community vendor
var FS embed.FS

// Atlas holds the page, script and style sheet of the static atlas that
// "placemap export site" writes (under atlas/); the live server does not
// serve them.
//
//go:embed atlas
var Atlas embed.FS
