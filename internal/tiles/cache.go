package tiles

import (
	"container/list"
	"fmt"
	"sync"

	"github.com/paulmach/orb/maptile"
)

// Key names a rendered tile in the cache: the data version it was made
// from, the layer it is served as (Name) and the one read (Layer), what
// kind of tile it is (a Format, or "labels"), and the tile. A struct, not
// a formatted string: a cached tile's lookup then allocates nothing.
type Key struct {
	Version     int64
	Name, Layer string
	Kind        string
	Tile        maptile.Tile
}

// String is the key as text, e.g. 7/lsoa-2011/14/8125/5308.mvt, or
// 7/census=lsoa-2011/labels/14/8125/5308 when Name is not Layer.
func (k Key) String() string {
	layer := k.Layer
	if k.Name != k.Layer {
		layer = k.Name + "=" + k.Layer
	}
	if k.Kind == labelsKind {
		return fmt.Sprintf("%d/%s/labels/%d/%d/%d", k.Version, layer, k.Tile.Z, k.Tile.X, k.Tile.Y)
	}
	return fmt.Sprintf("%d/%s/%d/%d/%d.%s", k.Version, layer, k.Tile.Z, k.Tile.X, k.Tile.Y, k.Kind)
}

// labelsKind is Key.Kind of a label tile.
const labelsKind = "labels"

// size is what the key weighs in the cache's byte bound.
func (k Key) size() int {
	return len(k.Name) + len(k.Layer) + len(k.Kind) + 32
}

// Cache is a least-recently-used cache of rendered tiles bounded in bytes.
// Keys carry the version of the tile layer's data, so a write to a layer
// makes that layer's older entries unreachable and leaves the others'; the
// unreachable age out as new tiles arrive.
type Cache struct {
	mu    sync.Mutex
	max   int64
	used  int64
	order *list.List // front: most recent
	items map[Key]*list.Element
	hits  uint64
	miss  uint64
}

type cacheEntry struct {
	key  Key
	tile Tile
}

// NewCache returns a cache holding at most maxBytes of tile data; 0 or less
// disables it.
func NewCache(maxBytes int64) *Cache {
	return &Cache{max: maxBytes, order: list.New(), items: map[Key]*list.Element{}}
}

// Get returns a cached tile.
func (c *Cache) Get(key Key) (Tile, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		c.hits++
		return e.Value.(*cacheEntry).tile, true
	}
	c.miss++
	return Tile{}, false
}

// Put stores a tile, evicting the least recently used beyond the bound.
func (c *Cache) Put(key Key, t Tile) {
	size := int64(len(t.Data) + len(t.Gzip) + key.size() + 64)
	if c.max <= 0 || size > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.used -= entrySize(e)
		c.order.Remove(e)
	}
	c.items[key] = c.order.PushFront(&cacheEntry{key: key, tile: t})
	c.used += size
	for c.used > c.max {
		e := c.order.Back()
		c.used -= entrySize(e)
		delete(c.items, e.Value.(*cacheEntry).key)
		c.order.Remove(e)
	}
}

// Stats returns the number of hits and misses and the bytes held.
func (c *Cache) Stats() (hits, misses uint64, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.miss, c.used
}

func entrySize(e *list.Element) int64 {
	ce := e.Value.(*cacheEntry)
	return int64(len(ce.tile.Data) + len(ce.tile.Gzip) + ce.key.size() + 64)
}
