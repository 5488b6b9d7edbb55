package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/placemap/placemap/internal/store"
)

func TestParseLSN(t *testing.T) {
	for _, c := range []struct {
		in   string
		want store.LSN
		ok   bool
	}{
		{"0/0", 0, true},
		{"16/B374D848", 0x16_B374D848, true},
		{"16/b374d848", 0x16_B374D848, true},
		{"FFFFFFFF/FFFFFFFF", store.MaxLSN, true},
		{"", 0, false},
		{"/", 0, false},
		{"16/", 0, false},
		{"/16", 0, false},
		{"16", 0, false},
		{"1/2/3", 0, false},
		{"100000000/0", 0, false},
		{"0/100000000", 0, false},
		{"+1/2", 0, false},
		{"0x1/2", 0, false},
		{"-1/x", 0, false},
		{" 1/2", 0, false},
		{"1/2 ", 0, false},
		{"1/2; DROP TABLE assets", 0, false},
		{"１/2", 0, false},
	} {
		got, ok := store.ParseLSN(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseLSN(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func FuzzParseLSN(f *testing.F) {
	for _, s := range []string{"0/0", "16/B374D848", "FFFFFFFF/FFFFFFFF", "1/2/3", "x/y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, ok := store.ParseLSN(s)
		if !ok {
			return
		}
		back, ok := store.ParseLSN(l.String())
		if !ok || back != l {
			t.Fatalf("%q: %v prints as %q, which reads back as %v, %v", s, l, l.String(), back, ok)
		}
	})
}

func TestSession(t *testing.T) {
	s := store.NewSession(0x10)
	if s.After() != 0x10 || s.Wrote() != 0 {
		t.Fatalf("new session: after %v, wrote %v", s.After(), s.Wrote())
	}
	if _, ok := s.Pinned(); ok {
		t.Fatal("a new session is pinned")
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Go(func() { s.Pin(i) })
	}
	wg.Wait()
	first, ok := s.Pinned()
	if !ok || first < 0 || s.Pin(first+1) != first {
		t.Fatalf("pinned %d, %v: a second replica replaced the first", first, ok)
	}
	if s.Pin(store.PinPrimary) != store.PinPrimary || s.Pin(first) != store.PinPrimary {
		t.Fatal("the primary does not replace a replica for good")
	}
	s.Committed(0x20)
	s.Committed(0x18)
	if s.Wrote() != 0x20 || s.After() != 0x20 {
		t.Errorf("after commits at 20 and 18: wrote %v, after %v; want 20", s.Wrote(), s.After())
	}
	ctx := store.WithSession(context.Background(), s)
	if store.SessionFrom(ctx) != s || store.SessionFrom(context.Background()) != nil {
		t.Error("SessionFrom does not return the session WithSession put")
	}
}
