package store

import "context"

type tileReadsKey struct{}

// WithTileReads returns ctx whose reads are a map tile's: many, each
// cheap, and the ones a slow answer shows most. A dialect may serve them
// from connections of their own (PostGIS does), so they never queue for a
// connection behind the heavier reads of the API.
func WithTileReads(ctx context.Context) context.Context {
	return context.WithValue(ctx, tileReadsKey{}, true)
}

// TileReads reports whether ctx's reads are a map tile's (WithTileReads).
func TileReads(ctx context.Context) bool {
	v, _ := ctx.Value(tileReadsKey{}).(bool)
	return v
}
