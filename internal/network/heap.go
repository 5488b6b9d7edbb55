package network

// item is a vertex on the heap at a tentative distance.
type item struct {
	d float64
	v uint32
}

// heap is a binary min-heap of items by distance (lazy deletion: a vertex
// may be on it several times; the stale entries are skipped when popped).
type heap struct{ a []item }

func (h *heap) len() int { return len(h.a) }

func (h *heap) push(it item) {
	h.a = append(h.a, it)
	i := len(h.a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h.a[p].d <= it.d {
			break
		}
		h.a[i] = h.a[p]
		i = p
	}
	h.a[i] = it
}

func (h *heap) pop() item {
	top := h.a[0]
	n := len(h.a) - 1
	last := h.a[n]
	h.a = h.a[:n]
	if n == 0 {
		return top
	}
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && h.a[c+1].d < h.a[c].d {
			c++
		}
		if last.d <= h.a[c].d {
			break
		}
		h.a[i] = h.a[c]
		i = c
	}
	h.a[i] = last
	return top
}
