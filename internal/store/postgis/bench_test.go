package postgis_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/store/postgis"
	"github.com/placemap/placemap/internal/store/storetest"
	"github.com/placemap/placemap/internal/testkit"
)

// BenchmarkSearch: /api/search's store work and ranking on the demo.
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	st, err := postgis.Open(ctx, testkit.PostGISDatabaseURL(b), postgis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := demo.Load(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		b.Fatal(err)
	}
	storetest.BenchSearch(b, st)
}
