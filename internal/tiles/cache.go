package tiles

import (
	"container/list"
	"sync"
)

// Cache is a least-recently-used cache of rendered tiles bounded in bytes.
// Keys carry the version of the tile layer's data, so a write to a layer
// makes that layer's older entries unreachable and leaves the others'; the
// unreachable age out as new tiles arrive.
type Cache struct {
	mu    sync.Mutex
	max   int64
	used  int64
	order *list.List // front: most recent
	items map[string]*list.Element
	hits  uint64
	miss  uint64
}

type cacheEntry struct {
	key  string
	tile Tile
}

// NewCache returns a cache holding at most maxBytes of tile data; 0 or less
// disables it.
func NewCache(maxBytes int64) *Cache {
	return &Cache{max: maxBytes, order: list.New(), items: map[string]*list.Element{}}
}

// Get returns a cached tile.
func (c *Cache) Get(key string) (Tile, bool) {
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
func (c *Cache) Put(key string, t Tile) {
	size := int64(len(t.Data) + len(t.Gzip) + len(key) + 64)
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
	return int64(len(ce.tile.Data) + len(ce.tile.Gzip) + len(ce.key) + 64)
}
