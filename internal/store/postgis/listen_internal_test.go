package postgis

import "testing"

// TestListenerMemory: when the listener answers from memory and when a
// read is needed, whatever order commits, reads and notifications come in.
func TestListenerMemory(t *testing.T) {
	type step func(l *listener)
	var gen uint64
	begin := func(l *listener) { _, _, gen = l.cached() } // a read begins
	end := func(v int64) step { return func(l *listener) { l.readDone(v, gen) } }
	var done func()
	commitBegins := func(l *listener) { done = l.commit() }
	commitEnds := func(*listener) { done() }
	hear := func(v int64) step { return func(l *listener) { l.heard(v) } }
	down := func(l *listener) { l.setLive(false, 0) }
	tests := []struct {
		name   string
		steps  []step
		wantOK bool
		wantV  int64
	}{
		{"live and quiet", nil, true, 5},
		{"down", []step{down}, false, 5},
		{"after a commit", []step{commitBegins, commitEnds}, false, 5},
		{"read after the commit", []step{commitBegins, commitEnds, begin, end(6)}, true, 6},
		{"read begun before the commit ended", []step{commitBegins, begin, commitEnds, end(5)}, false, 5},
		{"read begun and ended during the commit", []step{commitBegins, begin, end(5), commitEnds}, false, 5},
		{"read begun before the commit began", []step{begin, commitBegins, commitEnds, end(5)}, false, 5},
		{"notification", []step{hear(7)}, true, 7},
		{"older read after a notification", []step{commitBegins, commitEnds, begin, hear(8), end(6)}, true, 8},
		{"older notification", []step{hear(3)}, true, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &listener{live: true, version: 5}
			for _, s := range tt.steps {
				s(l)
			}
			v, ok, _ := l.cached()
			if ok != tt.wantOK || (ok && v != tt.wantV) {
				t.Errorf("cached() = %d, %v; want %d, %v", v, ok, tt.wantV, tt.wantOK)
			}
			if l.version != tt.wantV {
				t.Errorf("version %d, want %d", l.version, tt.wantV)
			}
		})
	}
}
