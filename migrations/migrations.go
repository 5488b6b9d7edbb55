// Package migrations embeds the schema of each store, applied by goose.
package migrations

import "embed"

// GPKG holds the GeoPackage store's migrations.
//
//go:embed gpkg/*.sql
var GPKG embed.FS

// PostGIS holds the PostgreSQL + PostGIS store's migrations.
//
//go:embed postgis/*.sql
var PostGIS embed.FS
