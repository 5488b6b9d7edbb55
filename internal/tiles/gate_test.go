package tiles_test

import (
	"context"
	"errors"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/tiles"
)

// TestRenderGate: a tile rendered goes through the renderer's Gate once
// and gives its place back; one served from the cache does not ask; a
// Gate that refuses fails the render.
func TestRenderGate(t *testing.T) {
	a := maptile.At(orb.Point{-1.47, 53.38}, 14)
	b := maptile.At(orb.Point{-1.40, 53.40}, 14)
	refused := errors.New("no place")
	cases := []struct {
		name      string
		cache     int64
		tiles     []maptile.Tile
		refuse    bool
		wantAsked int
	}{
		{"cached tile asks once", 1 << 20, []maptile.Tile{a, a, a}, false, 1},
		{"two tiles ask twice", 1 << 20, []maptile.Tile{a, b, a, b}, false, 2},
		{"no cache asks each time", 0, []maptile.Tile{a, a}, false, 2},
		{"refused", 1 << 20, []maptile.Tile{a}, true, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := tiles.NewRenderer(&crowd{}, c.cache)
			asked, held := 0, 0
			r.Gate = func(context.Context) (func(), error) {
				asked++
				if c.refuse {
					return nil, refused
				}
				held++
				return func() { held-- }, nil
			}
			for _, tile := range c.tiles {
				_, err := r.Render(context.Background(), "assets", tile, tiles.MVT)
				if c.refuse != errors.Is(err, refused) {
					t.Fatalf("render: %v, refused %v", err, c.refuse)
				}
			}
			if asked != c.wantAsked {
				t.Errorf("asked the gate %d times, want %d", asked, c.wantAsked)
			}
			if held != 0 {
				t.Errorf("%d places kept after the renders", held)
			}
		})
	}
}
