package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
)

// cmdCopy moves everything from one store to another: sets in their order
// with their areas in the order they were added, then assets with their
// ids, versions and times. The destination computes memberships by the same
// rule, so they come out the same.
func cmdCopy(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("copy", flag.ContinueOnError)
	from := fs.String("from", "", "the store to copy: a data directory or a postgres:// URL (required)")
	to := fs.String("to", "", "the empty store to fill: a data directory or a postgres:// URL (required)")
	timeout := fs.Duration("db-statement-timeout", envDuration("DB_STATEMENT_TIMEOUT", 0), "PostGIS: longest any one SQL statement may run")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 || *from == "" || *to == "" {
		return usageError{"want --from DIR_OR_URL --to DIR_OR_URL"}
	}
	if *from == *to {
		return usageError{"--from and --to name the same store"}
	}
	src, err := openLocation(ctx, *from, *timeout)
	if err != nil {
		return fmt.Errorf("open --from: %w", err)
	}
	defer src.Close()
	dst, err := openLocation(ctx, *to, *timeout)
	if err != nil {
		return fmt.Errorf("open --to: %w", err)
	}
	defer dst.Close()
	if empty, err := isEmpty(ctx, dst); err != nil {
		return err
	} else if !empty {
		return place.Errorf(place.ECONFLICT, "--to already holds sets or assets; copy fills only an empty store")
	}
	n, err := copyStore(ctx, src, dst, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "copied %d sets, %d series, %d areas, %d assets (%d memberships recomputed), %d indicators, %d places\n",
		n.sets, n.series, n.Areas, n.Assets, n.Memberships, n.indicators, n.places)
	return nil
}

type copied struct {
	store.ImportReport
	sets, series, indicators, places int
}

// copyStore copies everything in src into the empty dst, step by step, and
// counts what it copied: sets, series, indicators, places, then assets.
func copyStore(ctx context.Context, src, dst *store.DB, log *slog.Logger) (copied, error) {
	var n copied
	sets, err := src.Sets(ctx)
	if err != nil {
		return n, err
	}
	if n.sets, n.Areas, err = copySets(ctx, src, dst, sets, log); err != nil {
		return n, err
	}
	if n.series, err = copySeries(ctx, src, dst); err != nil {
		return n, err
	}
	assets, err := store.AllAssets(ctx, src)
	if err != nil {
		return n, fmt.Errorf("read assets: %w", err)
	}
	if n.places, err = copyPlaces(ctx, src, dst); err != nil {
		return n, err
	}
	if n.Assets, n.Memberships, err = copyAssets(ctx, dst, assets); err != nil {
		return n, err
	}
	fids, err := assetFIDs(ctx, assets, dst)
	if err != nil {
		return n, err
	}
	if n.indicators, err = copyIndicators(ctx, src, dst, sets, fids); err != nil {
		return n, err
	}
	return n, nil
}

// copySets copies each of sets with its areas, and says how many sets and
// areas it copied.
func copySets(ctx context.Context, src, dst *store.DB, sets []place.SetSummary, log *slog.Logger) (copiedSets, areas int, err error) {
	for _, s := range sets {
		all, err := store.AllAreas(ctx, src, s.Slug)
		if err != nil {
			return copiedSets, areas, fmt.Errorf("read set %s: %w", s.Slug, err)
		}
		// In the order they were added, so a fresh store gives them the same ids.
		sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
		rep, err := dst.ImportSet(ctx, s.BoundarySet, all)
		if err != nil {
			return copiedSets, areas, fmt.Errorf("write set %s: %w", s.Slug, err)
		}
		copiedSets++
		areas += rep.Areas
		log.Info("copied set", "set", s.Slug, "areas", rep.Areas)
	}
	return copiedSets, areas, nil
}

// copySeries copies every series: each release in order, with the successor
// links into it (decisions included) and the same current release. It says
// how many series it copied.
func copySeries(ctx context.Context, src, dst *store.DB) (int, error) {
	series, err := src.Series(ctx)
	if err != nil {
		return 0, fmt.Errorf("read series: %w", err)
	}
	n := 0
	for _, sr := range series {
		for i, rel := range sr.Releases {
			links, err := src.Successors(ctx, store.SuccessorQuery{NewSet: rel})
			if err != nil {
				return n, fmt.Errorf("read successors into %s: %w", rel, err)
			}
			r := place.Release{Series: sr.Slug, SeriesTitle: sr.Title, Current: rel == sr.Current || i == 0, Successors: links}
			if err := dst.AddRelease(ctx, rel, r); err != nil {
				return n, fmt.Errorf("write release %s of %s: %w", rel, sr.Slug, err)
			}
		}
		// The first release was made current to start the series.
		if err := dst.SetCurrentRelease(ctx, sr.Slug, sr.Current); err != nil {
			return n, fmt.Errorf("write series %s: %w", sr.Slug, err)
		}
		n++
	}
	return n, nil
}

// copyIndicators copies the indicators of each of sets with their values,
// and says how many it copied.
// assetFIDs maps each copied asset's FID in the source to its FID in the
// destination, which assigns its own.
func assetFIDs(ctx context.Context, copiedAssets []place.Asset, dst *store.DB) (map[float64]float64, error) {
	now, err := store.AllAssets(ctx, dst)
	if err != nil {
		return nil, fmt.Errorf("read copied assets: %w", err)
	}
	byID := make(map[string]int64, len(now))
	for _, a := range now {
		byID[a.ID] = a.FID
	}
	out := make(map[float64]float64, len(copiedAssets))
	for _, a := range copiedAssets {
		if f, ok := byID[a.ID]; ok {
			out[float64(a.FID)] = float64(f)
		}
	}
	return out, nil
}

// copyIndicators copies the indicators of sets; the values of an indicator
// of kind asset (FIDs) are mapped through fids, dropping assets not copied.
func copyIndicators(ctx context.Context, src, dst *store.DB, sets []place.SetSummary, fids map[float64]float64) (int, error) {
	n := 0
	for _, s := range sets {
		inds, err := src.Indicators(ctx, s.Slug)
		if err != nil {
			return n, fmt.Errorf("read indicators of %s: %w", s.Slug, err)
		}
		if len(inds) == 0 {
			continue
		}
		values := map[string]map[string]float64{}
		for _, ind := range inds {
			if values[ind.Name], err = src.IndicatorValues(ctx, s.Slug, ind.Name); err != nil {
				return n, fmt.Errorf("read indicator %s of %s: %w", ind.Name, s.Slug, err)
			}
			if ind.Kind == reconcile.Asset {
				for code, v := range values[ind.Name] {
					if f, ok := fids[v]; ok {
						values[ind.Name][code] = f
					} else {
						delete(values[ind.Name], code)
					}
				}
			}
		}
		if err := dst.ImportIndicators(ctx, s.Slug, inds, values); err != nil {
			return n, fmt.Errorf("write indicators of %s: %w", s.Slug, err)
		}
		n += len(inds)
	}
	return n, nil
}

// copyPlaces copies every place and says how many it copied.
func copyPlaces(ctx context.Context, src, dst *store.DB) (int, error) {
	places, err := src.Places(ctx)
	if err != nil {
		return 0, fmt.Errorf("read places: %w", err)
	}
	n := 0
	for _, p := range places {
		if err := dst.SavePlace(ctx, p); err != nil {
			return n, fmt.Errorf("write place %s: %w", p.Slug, err)
		}
		n++
	}
	return n, nil
}

// copyAssets adds assets to dst in the order of their ids, a page at a time,
// and says how many assets and memberships dst made of them.
func copyAssets(ctx context.Context, dst *store.DB, assets []place.Asset) (added, memberships int, err error) {
	sort.Slice(assets, func(i, j int) bool { return assets[i].FID < assets[j].FID })
	for start := 0; start < len(assets); start += store.MaxPage {
		rep, err := dst.AddAssets(ctx, assets[start:min(len(assets), start+store.MaxPage)])
		if err != nil {
			return added, memberships, fmt.Errorf("write assets: %w", err)
		}
		added += rep.Assets
		memberships += rep.Memberships
	}
	return added, memberships, nil
}

// cmdMigrate brings a store's schema up to date (every command also does
// so when it opens a store) and says which store it is.
func cmdMigrate(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	sc := storeFlags(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "%s: schema up to date\n", sc.describe())
	return nil
}
