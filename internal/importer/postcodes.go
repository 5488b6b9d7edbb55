package importer

import (
	"context"
	"fmt"
	"io"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/postcode"
	"github.com/placemap/placemap/internal/store"
)

// PostcodeStore is what a postcode import needs from a store.
type PostcodeStore interface {
	ReplacePostcodes(ctx context.Context, fill func(w *store.PostcodeWriter) (store.PostcodeInfo, error)) (store.PostcodeInfo, error)
}

// PostcodeOptions are a postcode import's choices.
type PostcodeOptions struct {
	SkipInvalid bool   // import the good rows and list the bad, rather than refuse the file
	Licence     string // default OGL-UK-3.0
	Source      string // default the file's name
}

// NITerms is what is recorded and said when a postcode file holds
// Northern Ireland (BT) postcodes.
const NITerms = "Northern Ireland (BT) postcodes carry terms of their own beside the OGL (Land & Property Services data): read the file's licence notes before publishing them"

// PostcodeResult says what a postcode import read and stored.
type PostcodeResult struct {
	store.PostcodeInfo
	Rows        int                 // data rows read
	NoLocation  int                 // rows skipped for having no location
	Invalid     []postcode.RowError // with SkipInvalid: the first rows skipped as bad
	InvalidRows int                 // and how many in all
}

// Postcodes replaces the stored postcodes with those of a postcode file
// (ONSPD/NSPL, OS Code-Point Open or postcode,lon,lat, detected), read as
// a stream, all or nothing: a bad row refuses the file by its line, unless
// opts.SkipInvalid.
func Postcodes(ctx context.Context, st PostcodeStore, r io.Reader, name string, opts PostcodeOptions) (PostcodeResult, error) {
	var res PostcodeResult
	rd, err := postcode.NewReader(r, opts.SkipInvalid)
	if err != nil {
		return res, fmt.Errorf("%s: %w", name, err)
	}
	if opts.Licence == "" {
		opts.Licence = "OGL-UK-3.0"
	}
	if opts.Source == "" {
		opts.Source = name
	}
	info, err := st.ReplacePostcodes(ctx, func(w *store.PostcodeWriter) (store.PostcodeInfo, error) {
		for {
			rec, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return store.PostcodeInfo{}, fmt.Errorf("%s: %w", name, err)
			}
			if err := w.Add(store.Postcode{Postcode: rec.Postcode, Point: rec.Point, Terminated: rec.Terminated, UserType: rec.UserType}); err != nil {
				return store.PostcodeInfo{}, fmt.Errorf("%s: %w", name, err)
			}
		}
		info := store.PostcodeInfo{Source: opts.Source, Licence: opts.Licence, Layout: rd.Layout(), NI: rd.NI}
		if rd.NI > 0 {
			info.Note = fmt.Sprintf("the file holds %d Northern Ireland (BT) postcodes. %s", rd.NI, NITerms)
		}
		return info, nil
	})
	res.PostcodeInfo, res.Rows, res.NoLocation, res.Invalid, res.InvalidRows = info, rd.Rows, rd.NoLocation, rd.Invalid, rd.InvalidRows
	return res, err
}

// PostcodeSource is what placing assets by postcode needs from a store.
type PostcodeSource interface {
	Postcode(ctx context.Context, pc string) (store.Postcode, error)
}

// PostcodeLookup is the lookup an asset import places rows without
// coordinates by (formats.AssetOptions.Postcodes): an unknown or
// terminated postcode refuses the row.
func PostcodeLookup(ctx context.Context, src PostcodeSource) formats.PostcodeLookup {
	return postcodeLookup{ctx, src}
}

type postcodeLookup struct {
	ctx context.Context
	src PostcodeSource
}

func (l postcodeLookup) PostcodePoint(s string) (orb.Point, error) {
	pc, err := postcode.Normalise(s)
	if err != nil {
		return orb.Point{}, err
	}
	p, err := l.src.Postcode(l.ctx, pc)
	if place.ErrorCode(err) == place.ENOTFOUND {
		return orb.Point{}, place.Errorf(place.EINVALID, "postcode %s is not in the postcodes imported, so the row cannot be placed; give its lon,lat", pc)
	}
	if err != nil {
		return orb.Point{}, err
	}
	if p.Terminated != "" {
		return orb.Point{}, place.Errorf(place.EINVALID, "postcode %s was terminated in %s, so the row cannot be placed by it; give its current postcode or lon,lat", pc, p.Terminated)
	}
	return p.Point, nil
}
