package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestServeEmbedOrigins: a bad --embed-origins (or $PLACEMAP_EMBED_ORIGINS)
// is a usage error naming the origin before anything starts; * says in the
// log that any site may frame /embed.
func TestServeEmbedOrigins(t *testing.T) {
	for _, tc := range []struct {
		name, flag, env string
		msg             string
	}{
		{"path", "https://a.example/page", "", "no path"},
		{"scheme", "a.example", "", "scheme"},
		{"env", "", "https://ok.example,ftp://b.example", "ftp://b.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PLACEMAP_EMBED_ORIGINS", tc.env)
			args := []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}
			if tc.flag != "" {
				args = append(args, "--embed-origins", tc.flag)
			}
			code, _, errs := cli(t, args...)
			if code != 2 || !strings.Contains(errs, "--embed-origins") || !strings.Contains(errs, tc.msg) {
				t.Errorf("exit %d, stderr %q; want 2 naming --embed-origins and %q", code, errs, tc.msg)
			}
		})
	}
	t.Run("any", func(t *testing.T) {
		// Cancelled: serve stops once past the flags, having logged.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var out, errb bytes.Buffer
		run(ctx, []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--embed-origins", "*"}, &out, &errb)
		if !strings.Contains(errb.String(), "any site may frame /embed") {
			t.Errorf("stderr %q, want the warning that any site may frame /embed", errb.String())
		}
	})
}
