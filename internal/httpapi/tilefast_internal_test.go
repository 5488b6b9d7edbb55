package httpapi

import (
	"fmt"
	"strings"
	"testing"
)

// TestAcceptsGzip holds the allocation-free reading of Accept-Encoding to
// what the strings.Split one answered.
func TestAcceptsGzip(t *testing.T) {
	for _, c := range []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"br, gzip", true},
		{"gzip, deflate, br", true},
		{" gzip ; q=0.5 ", true},
		{"gzip;q=0", false},
		{"gzip; q = 0.000", false},
		{"gzip;q=0.", true},
		{"gzip;q=0.001", true},
		{"br, gzip;q=0", false},
		{"*", true},
		{"*;q=0", false},
		{"deflate", false},
		{"identity", false},
		{"gzip;q=0, *", false}, // the first of gzip and * decides
		{"x-gzip", false},
		{",,gzip,", true},
	} {
		if got := acceptsGzip(c.header); got != c.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", c.header, got, c.want)
		}
	}
}

// TestETagMatch: If-None-Match's weak comparison, lists and * included.
func TestETagMatch(t *testing.T) {
	for _, c := range []struct {
		header, etag string
		want         bool
	}{
		{"", `"a"`, false},
		{`"a"`, `"a"`, true},
		{`W/"a"`, `"a"`, true},
		{`"a"`, `W/"a"`, true},
		{`"b", "a"`, `"a"`, true},
		{`"b" ,W/"a" `, `"a"`, true},
		{`"b"`, `"a"`, false},
		{`*`, `"a"`, true},
		{`"a-gz"`, `"a"`, false},
		{`,`, `"a"`, false},
	} {
		if got := etagMatch(c.header, c.etag); got != c.want {
			t.Errorf("etagMatch(%q, %q) = %v, want %v", c.header, c.etag, got, c.want)
		}
	}
}

// TestRequestIDs: ids read as chi's middleware.RequestID makes them
// (prefix-%06d), counting up from 1.
func TestRequestIDs(t *testing.T) {
	ids := newRequestIDs()
	host, random, ok := strings.Cut(ids.prefix, "/")
	if !ok || host == "" || len(random) != 10 {
		t.Fatalf("prefix %q: want host/10 random characters", ids.prefix)
	}
	for _, n := range []uint64{1, 42, 999999, 1000000, 123456789} {
		ids.n.Store(n - 1)
		if got, want := ids.next(), fmt.Sprintf("%s-%06d", ids.prefix, n); got != want {
			t.Errorf("id %d: %q, want %q", n, got, want)
		}
	}
	if a, b := newRequestIDs().prefix, newRequestIDs().prefix; a == b {
		t.Errorf("two servers share the prefix %q", a)
	}
}
