package httpapi

import (
	"sync"

	"github.com/placemap/placemap/internal/access"
	"github.com/placemap/placemap/internal/store"
)

// accessCache keeps the decoded results of finished runs (they never
// change) and the views of them from sets (under the data version they
// were worked out at), a few of each, the oldest dropped first.
type accessCache struct {
	mu      sync.Mutex
	results map[string]cachedResult
	order   []string // result ids, oldest first
	views   map[viewKey]*access.SetView
	vorder  []viewKey
}

type cachedResult struct {
	run store.AccessRun // without its result
	res *access.Result
}

// viewKey names a view: a run seen from a set at a data version.
type viewKey struct {
	run, set string
	version  int64
}

// How many results and views are kept: a result holds every origin of a
// block set (170 000 output areas for England: tens of megabytes).
const (
	maxCachedResults = 4
	maxCachedViews   = 64
)

func newAccessCache() *accessCache {
	return &accessCache{results: map[string]cachedResult{}, views: map[viewKey]*access.SetView{}}
}

func (c *accessCache) result(id string) (*access.Result, store.AccessRun, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.results[id]
	return r.res, r.run, ok
}

func (c *accessCache) keepResult(run store.AccessRun, res *access.Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.results[run.ID]; ok {
		return
	}
	if len(c.order) >= maxCachedResults {
		delete(c.results, c.order[0])
		c.order = c.order[1:]
	}
	c.results[run.ID] = cachedResult{run: run, res: res}
	c.order = append(c.order, run.ID)
}

func (c *accessCache) view(k viewKey) (*access.SetView, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.views[k]
	return v, ok
}

func (c *accessCache) keepView(k viewKey, v *access.SetView) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.views[k]; ok {
		return
	}
	if len(c.vorder) >= maxCachedViews {
		delete(c.views, c.vorder[0])
		c.vorder = c.vorder[1:]
	}
	c.views[k] = v
	c.vorder = append(c.vorder, k)
}
