package store

import (
	"context"

	"github.com/placemap/placemap/internal/place"
)

// AreaLister reads areas a page at a time.
type AreaLister interface {
	Areas(ctx context.Context, set string, q AreaQuery) ([]place.Area, error)
}

// AllAreas reads every area of a set, page by page, ordered by code.
func AllAreas(ctx context.Context, st AreaLister, set string) ([]place.Area, error) {
	var out []place.Area
	for {
		page, err := st.Areas(ctx, set, AreaQuery{Limit: MaxPage, Offset: len(out)})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < MaxPage {
			return out, nil
		}
	}
}

// AssetLister reads assets a page at a time.
type AssetLister interface {
	Assets(ctx context.Context, q AssetQuery) (AssetPage, error)
}

// AllAssets reads every asset, page by page, ordered by name.
func AllAssets(ctx context.Context, st AssetLister) ([]place.Asset, error) {
	var out []place.Asset
	for {
		page, err := st.Assets(ctx, AssetQuery{Limit: MaxPage, Offset: len(out), NoCount: true})
		if err != nil {
			return nil, err
		}
		out = append(out, page.Assets...)
		if len(page.Assets) < MaxPage {
			return out, nil
		}
	}
}
