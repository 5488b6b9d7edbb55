package postcode

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// Layouts a Reader detects.
const (
	ONSPD     = "onspd"     // ONS Postcode Directory or NSPL as published (pcd/pcds, lat, long, oseast1m, …)
	CodePoint = "codepoint" // OS Code-Point Open: headerless postcode, quality, easting, northing, …
	Plain     = "plain"     // postcode,lon,lat (or lat,lon by header names)
)

// MaxListed is how many bad rows a Reader lists; it counts them all.
const MaxListed = 1000

// Record is one located postcode.
type Record struct {
	Postcode   string    // normalised, "S8 0AB"
	Point      orb.Point // WGS84 lon, lat
	Terminated string    // "YYYY-MM" when no longer in use; "" when live
	UserType   int       // ONSPD usertype: 0 small user, 1 large user; -1 not given
}

// RowError is a row refused, by its line in the file.
type RowError struct {
	Line int
	Why  string
}

func (e RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Why) }

// Reader streams the records of a postcode file, detecting its layout from
// the first row. Rows without a location (ONSPD's lat 99.999999 with no
// grid reference; Code-Point's quality 90) are skipped and counted.
type Reader struct {
	cr          *csv.Reader
	layout      string
	skipBad     bool
	col         columns
	first       []string   // a headerless file's first row, still to read
	NoLocation  int        // rows skipped for having no location
	Invalid     []RowError // the first MaxListed bad rows skipped
	InvalidRows int        // every bad row skipped
	Rows        int        // data rows read
	NI          int        // Northern Ireland (BT) postcodes read
}

type columns struct{ pc, lon, lat, east, north, doterm, usertype, grid, quality int }

// NewReader detects the layout of r's first row. With skipInvalid, bad rows
// are listed in Invalid and passed over; otherwise Next refuses the first.
func NewReader(r io.Reader, skipInvalid bool) (*Reader, error) {
	cr := csv.NewReader(bufio.NewReaderSize(r, 1<<16))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err == io.EOF {
		return nil, place.Errorf(place.EINVALID, "postcode file: empty")
	}
	if err != nil {
		return nil, place.Errorf(place.EINVALID, "postcode file: %v", err)
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	rd := &Reader{cr: cr, skipBad: skipInvalid}
	if err := rd.detect(head); err != nil {
		return nil, err
	}
	return rd, nil
}

// Layout is the layout detected: ONSPD, CodePoint or Plain.
func (rd *Reader) Layout() string { return rd.layout }

func (rd *Reader) detect(head []string) error {
	idx := map[string]int{}
	for i, h := range head {
		idx[strings.ToLower(strings.TrimSpace(h))] = i
	}
	find := func(names ...string) int {
		for _, n := range names {
			if i, ok := idx[n]; ok {
				return i
			}
		}
		return -1
	}
	c := columns{pc: find("pcds", "pcd", "pcd8", "pcd7", "pcd2"), lon: find("long"), lat: find("lat"),
		east: find("oseast1m"), north: find("osnrth1m"), doterm: find("doterm"), usertype: find("usertype"), grid: find("osgrdind"), quality: -1}
	if c.pc >= 0 && (c.lat >= 0 || c.east >= 0) {
		rd.layout, rd.col = ONSPD, c
		return nil
	}
	// Code-Point Open with its column headers (Doc/Code-Point_Open_Column_Headers.csv) put on top.
	if pc, ea, no := find("pc", "postcode"), find("ea", "eastings"), find("no", "northings"); pc >= 0 && ea >= 0 && no >= 0 {
		rd.layout, rd.col = CodePoint, columns{pc: pc, lon: -1, lat: -1, east: ea, north: no, doterm: -1, usertype: -1, grid: -1, quality: find("pq", "positional_quality_indicator")}
		return nil
	}
	if p := find("postcode", "post code", "pcds", "pcd"); p >= 0 {
		lon, lat := find("lon", "lng", "long", "longitude", "x"), find("lat", "latitude", "y")
		if lon < 0 || lat < 0 {
			return place.Errorf(place.EINVALID, "postcode file: header %q has a postcode column but no lon and lat columns; want ONSPD/NSPL, OS Code-Point Open or postcode,lon,lat", strings.Join(head, ","))
		}
		rd.layout, rd.col = Plain, columns{pc: p, lon: lon, lat: lat, east: -1, north: -1, doterm: -1, usertype: -1, grid: -1, quality: -1}
		return nil
	}
	if _, err := Normalise(head[0]); err == nil {
		rd.first = append([]string(nil), head...)
		if len(head) >= 4 {
			rd.layout, rd.col = CodePoint, columns{pc: 0, lon: -1, lat: -1, east: 2, north: 3, doterm: -1, usertype: -1, grid: -1, quality: 1}
			return nil
		}
		if len(head) == 3 {
			rd.layout, rd.col = Plain, columns{pc: 0, lon: 1, lat: 2, east: -1, north: -1, doterm: -1, usertype: -1, grid: -1, quality: -1}
			return nil
		}
	}
	return place.Errorf(place.EINVALID, "postcode file: line 1 %q is not a layout placemap reads: want ONSPD/NSPL (header with pcd/pcds, lat, long, oseast1m, osnrth1m), OS Code-Point Open (headerless: postcode, quality, easting, northing) or postcode,lon,lat", strings.Join(head, ","))
}

// Next returns the next located record; io.EOF at the end. A bad row is
// an EINVALID error naming its line, unless the reader skips bad rows.
func (rd *Reader) Next() (Record, error) {
	for {
		var row []string
		line := 1
		if rd.first != nil {
			row, rd.first = rd.first, nil
		} else {
			var err error
			row, err = rd.cr.Read()
			if err == io.EOF {
				return Record{}, io.EOF
			}
			if err != nil {
				// FieldPos is only for a record read whole.
				line = 0
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					line = pe.Line
				}
				if rerr := rd.bad(line, err.Error()); rerr != nil {
					return Record{}, rerr
				}
				continue
			}
			line, _ = rd.cr.FieldPos(0)
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		rd.Rows++
		rec, located, why := rd.parse(row)
		if why != "" {
			if err := rd.bad(line, why); err != nil {
				return Record{}, err
			}
			continue
		}
		if !located {
			rd.NoLocation++
			continue
		}
		if strings.HasPrefix(rec.Postcode, "BT") {
			rd.NI++
		}
		return rec, nil
	}
}

// bad records a bad row, or returns it as the error that ends the read.
func (rd *Reader) bad(line int, why string) error {
	e := RowError{Line: line, Why: why}
	if !rd.skipBad {
		return place.Errorf(place.EINVALID, "postcode file: %s (use --skip-invalid to import the other rows)", e)
	}
	rd.InvalidRows++
	if len(rd.Invalid) < MaxListed {
		rd.Invalid = append(rd.Invalid, e)
	}
	return nil
}

func field(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

// parse reads one row: the record, whether it has a location, and why it
// is refused ("" if not).
func (rd *Reader) parse(row []string) (Record, bool, string) {
	c := rd.col
	rec := Record{UserType: -1}
	pc, err := Normalise(field(row, c.pc))
	if err != nil {
		return rec, false, fmt.Sprintf("postcode %q: want %s", field(row, c.pc), Format)
	}
	rec.Postcode = pc
	switch rd.layout {
	case ONSPD:
		return rd.onspd(row, rec)
	case CodePoint:
		if q := field(row, c.quality); q == "90" { // PQI 90: no coordinates
			return rec, false, ""
		}
		return bng(row, rec, c.east, c.north)
	}
	lon, err1 := strconv.ParseFloat(field(row, c.lon), 64)
	lat, err2 := strconv.ParseFloat(field(row, c.lat), 64)
	if err1 != nil || err2 != nil {
		return rec, false, fmt.Sprintf("%s: lon %q, lat %q: want numbers", pc, field(row, c.lon), field(row, c.lat))
	}
	rec.Point = orb.Point{lon, lat}
	return rec, true, checkPoint(rec)
}

func (rd *Reader) onspd(row []string, rec Record) (Record, bool, string) {
	c := rd.col
	if t := field(row, c.doterm); t != "" {
		if len(t) != 6 || t[4] > '1' {
			return rec, false, fmt.Sprintf("%s: doterm %q: want YYYYMM", rec.Postcode, t)
		}
		if _, err := strconv.Atoi(t); err != nil {
			return rec, false, fmt.Sprintf("%s: doterm %q: want YYYYMM", rec.Postcode, t)
		}
		rec.Terminated = t[:4] + "-" + t[4:]
	}
	if u := field(row, c.usertype); u != "" {
		n, err := strconv.Atoi(u)
		if err != nil {
			return rec, false, fmt.Sprintf("%s: usertype %q: want 0 or 1", rec.Postcode, u)
		}
		rec.UserType = n
	}
	if lat, lon := field(row, c.lat), field(row, c.lon); lat != "" && lon != "" {
		y, err1 := strconv.ParseFloat(lat, 64)
		x, err2 := strconv.ParseFloat(lon, 64)
		if err1 != nil || err2 != nil {
			return rec, false, fmt.Sprintf("%s: lat %q, long %q: want numbers", rec.Postcode, lat, lon)
		}
		if y < 99 { // 99.999999 is ONSPD's "no location"
			rec.Point = orb.Point{x, y}
			return rec, true, checkPoint(rec)
		}
	}
	if field(row, c.grid) == "9" || field(row, c.east) == "" || field(row, c.north) == "" {
		return rec, false, ""
	}
	return bng(row, rec, c.east, c.north)
}

// bng places rec at the British National Grid reference in columns e, n.
func bng(row []string, rec Record, e, n int) (Record, bool, string) {
	x, err1 := strconv.ParseFloat(field(row, e), 64)
	y, err2 := strconv.ParseFloat(field(row, n), 64)
	if err1 != nil || err2 != nil {
		return rec, false, fmt.Sprintf("%s: easting %q, northing %q: want numbers", rec.Postcode, field(row, e), field(row, n))
	}
	if x == 0 && y == 0 {
		return rec, false, ""
	}
	if x < 0 || x > 700000 || y < 0 || y > 1300000 {
		return rec, false, fmt.Sprintf("%s: easting %v, northing %v: outside the British National Grid", rec.Postcode, x, y)
	}
	rec.Point = geo.FromBNG(x, y)
	return rec, true, ""
}

func checkPoint(rec Record) string {
	x, y := rec.Point[0], rec.Point[1]
	if math.IsNaN(x) || math.IsNaN(y) || x < -180 || x > 180 || y < -90 || y > 90 {
		return fmt.Sprintf("%s: lon %v, lat %v: not a WGS84 position", rec.Postcode, x, y)
	}
	return ""
}
