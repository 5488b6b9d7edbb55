package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/store"
)

// importPostcodes is "import postcodes FILE.csv": the postcodes of an
// ONSPD/NSPL, OS Code-Point Open or postcode,lon,lat file replace the
// stored ones.
func importPostcodes(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import postcodes", flag.ContinueOnError)
	sc := storeFlags(fs)
	var opts importer.PostcodeOptions
	fs.BoolVar(&opts.SkipInvalid, "skip-invalid", false, "import the valid rows and list every invalid one (line, why), instead of refusing the file")
	fs.StringVar(&opts.Licence, "licence", "OGL-UK-3.0", "licence of the postcode data")
	fs.StringVar(&opts.Source, "source", "", "where the file came from (default: its name)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	file, err := oneFile(pos, "postcode CSV file (ONSPD/NSPL, OS Code-Point Open or postcode,lon,lat)")
	if err != nil {
		return err
	}
	start := time.Now()
	var res importer.PostcodeResult
	err = importFile(ctx, sc, file, func(st *store.DB, f io.Reader, name string) (err error) {
		res, err = importer.Postcodes(ctx, st, f, name, opts)
		return err
	})
	if err != nil {
		return err
	}
	printPostcodes(stdout, res, time.Since(start))
	return nil
}

// printPostcodes says what a postcode import read and stored.
func printPostcodes(stdout io.Writer, res importer.PostcodeResult, took time.Duration) {
	fmt.Fprintf(stdout, "postcodes: %s layout, %d rows read: %d stored (%d terminated), %d skipped without a location", res.Layout, res.Rows, res.Count, res.Terminated, res.NoLocation)
	if res.InvalidRows > 0 {
		fmt.Fprintf(stdout, ", %d skipped as invalid", res.InvalidRows)
	}
	fmt.Fprintf(stdout, " in %s\n", took.Round(time.Millisecond))
	fmt.Fprintf(stdout, "source %s, licence %s\n", res.Source, res.Licence)
	if res.NI > 0 {
		fmt.Fprintf(stdout, "note: %s\n", res.Note)
	}
	for i, e := range res.Invalid {
		if i == 100 {
			fmt.Fprintf(stdout, "  … and %d more invalid rows\n", res.InvalidRows-100)
			break
		}
		fmt.Fprintf(stdout, "  skipped %s\n", e)
	}
}
