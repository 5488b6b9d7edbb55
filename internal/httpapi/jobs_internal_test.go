package httpapi

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"testing"
	"time"
)

// TestProgressThrottled: a new stage is written at once, counts within a
// stage at most every progressEvery, and a stage's last count always.
func TestProgressThrottled(t *testing.T) {
	var written []string
	ctx := context.Background()
	pw := newProgressWriter(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), func(_ context.Context, stage string, done, total int64) error {
		written = append(written, fmt.Sprintf("%s %d/%d", stage, done, total))
		return nil
	})
	defer pw.end()
	clock := time.Date(2026, 12, 6, 1, 0, 0, 0, time.UTC)
	pw.now = func() time.Time { return clock }
	progress := pw.progress(ctx)
	for _, step := range []struct {
		after       time.Duration
		stage       string
		done, total int
	}{
		{0, "origins", 0, 10},
		{100 * time.Millisecond, "origins", 1, 10},         // too soon
		{100 * time.Millisecond, "origins", 2, 10},         // too soon
		{progressEvery, "origins", 3, 10},                  // due
		{time.Millisecond, "origins", 10, 10},              // the last count
		{time.Millisecond, "search", 0, 1},                 // a new stage
		{progressEvery - time.Millisecond, "search", 0, 1}, // too soon, even unchanged
	} {
		clock = clock.Add(step.after)
		progress(step.stage, step.done, step.total)
	}
	want := []string{"origins 0/10", "origins 3/10", "origins 10/10", "search 0/1"}
	if !reflect.DeepEqual(written, want) {
		t.Errorf("written %q, want %q", written, want)
	}
}
