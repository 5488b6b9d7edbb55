package postgis

import "testing"

// TestListenerMemory: when the listener answers from memory and when a
// read is needed, whatever order commits, reads and notifications come in.
func TestListenerMemory(t *testing.T) {
	type step func(l *listener)
	var gen uint64
	begin := func(l *listener) { _, _, _, gen = l.cached() } // a read begins
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
			v, _, ok, _ := l.cached()
			if ok != tt.wantOK || (ok && v != tt.wantV) {
				t.Errorf("cached() = %d, %v; want %d, %v", v, ok, tt.wantV, tt.wantOK)
			}
			if l.version != tt.wantV {
				t.Errorf("version %d, want %d", l.version, tt.wantV)
			}
		})
	}
}

// TestListenerPositions: a version read with its log position keeps the
// position it came with until a newer version comes; a check begun after
// this process's commit ended clears dirty, one begun before does not.
func TestListenerPositions(t *testing.T) {
	l := &listener{live: true, withLSN: true}
	l.checked(5, 100, 0)
	l.checked(5, 140, 0) // the same version, the log moved on
	if v, lsn, ok, _ := l.cached(); v != 5 || lsn != 100 || !ok {
		t.Errorf("cached() = %d at %d, %v; want 5 at 100, true", v, lsn, ok)
	}
	l.checked(6, 150, 0)
	l.checked(4, 90, 0) // an older read
	if v, lsn, _, _ := l.cached(); v != 6 || lsn != 150 {
		t.Errorf("cached() = %d at %d; want 6 at 150", v, lsn)
	}
	_, _, _, before := l.cached()
	done := l.commit()
	done()
	l.checked(7, 160, before)
	if _, _, ok, _ := l.cached(); ok {
		t.Error("a check begun before the commit cleared dirty")
	}
	_, _, _, after := l.cached()
	l.checked(7, 170, after)
	if v, lsn, ok, _ := l.cached(); v != 7 || lsn != 160 || !ok {
		t.Errorf("cached() = %d at %d, %v; want 7 at 160, true", v, lsn, ok)
	}
}
