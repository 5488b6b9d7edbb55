// Command postcodegen writes a synthetic postcode file in the ONS Postcode
// Directory's layout (ONSPD, the same header and kinds of values as
// published, ~50 columns) for bench/postcodes.sh: the UK file itself
// (~2.7 M rows) is not shipped. About 1 in 5 postcodes is terminated (a
// doterm), 1 in 500 has no location (lat 99.999999, no grid reference), a
// few are Northern Ireland (BT) postcodes; points spread over Great
// Britain, in lat/long and OSGB grid reference.
//
//	go run ./bench/postcodegen -n 2700000 > onspd.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
)

const header = `"pcd","pcd2","pcds","dointr","doterm","oscty","ced","oslaua","osward","parish","usertype","oseast1m","osnrth1m","osgrdind",` +
	`"oshlthau","nhser","ctry","rgn","streg","pcon","eer","teclec","ttwa","pct","itl","statsward","oa01","casward","npark","lsoa01",` +
	`"msoa01","ur01ind","oac01","oa11","lsoa11","msoa11","wz11","sicbl","bua24","ru11ind","oac11","lat","long","lep1","lep2","pfa",` +
	`"imd","calncv","icb","oa21","lsoa21","msoa21"`

// The letters an inward code's last two may be.
const inwardLetters = "ABDEFGHJLNPQRSTUWXYZ"

func main() {
	n := flag.Int("n", 2_700_000, "rows to write")
	flag.Parse()
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	fmt.Fprintln(w, header)
	r := rand.New(rand.NewPCG(19, 2026))
	areas := outwardAreas()
	written := 0
	for _, area := range areas {
		for district := 1; district <= 99 && written < *n; district++ {
			out := fmt.Sprintf("%s%d", area, district)
			// Each district is a patch of about 10 km; its postcodes spread in it.
			e0, n0 := 100000+r.Float64()*500000, 50000+r.Float64()*900000
			if area == "BT" {
				e0, n0 = 140000+r.Float64()*20000, 520000+r.Float64()*20000 // Irish Grid-ish numbers, located by lat/long
			}
			for sector := 0; sector <= 9 && written < *n; sector++ {
				for i := 0; i < 400 && written < *n; i++ {
					in := fmt.Sprintf("%d%c%c", sector, inwardLetters[i/20], inwardLetters[i%20])
					writeRow(w, r, out, in, e0+r.Float64()*10000, n0+r.Float64()*10000, area == "BT")
					written++
				}
			}
		}
	}
	if written < *n {
		fmt.Fprintf(os.Stderr, "postcodegen: only %d distinct postcodes in the pattern\n", written)
		os.Exit(1)
	}
}

// outwardAreas are two-letter postcode areas, BT among them.
func outwardAreas() []string {
	var out []string
	for _, a := range "ABCDEFGHKLMNOPRSTUWY" {
		for _, b := range "ABCDEFGHKLMNPRSTUWY" {
			out = append(out, string(a)+string(b))
		}
	}
	return out
}

func writeRow(w *bufio.Writer, r *rand.Rand, out, in string, east, north float64, ni bool) {
	pcd := fmt.Sprintf("%-4s%s", out, in)
	pcd2 := fmt.Sprintf("%-5s%s", out, in)
	pcds := out + " " + in
	doterm := ""
	if r.IntN(5) == 0 {
		doterm = fmt.Sprintf("%d%02d", 1985+r.IntN(40), 1+r.IntN(12))
	}
	// A rough inverse of the grid for lat/long: near enough for a bench.
	lat := 49.9 + north/111_000
	lon := -7.6 + east/(111_000*0.62)
	e, nn, grid := fmt.Sprintf("%.0f", east), fmt.Sprintf("%.0f", north), "1"
	if ni {
		lon, lat = -5.9-r.Float64()*1.5, 54.2+r.Float64()*0.8
	}
	latS, lonS := fmt.Sprintf("%.6f", lat), fmt.Sprintf("%.6f", lon)
	if r.IntN(500) == 0 {
		latS, lonS, e, nn, grid = "99.999999", "0.000000", "", "", "9"
	}
	codes := strings.Repeat(`"E99999999",`, 6)
	fmt.Fprintf(w, `"%s","%s","%s","198001","%s","E99999999","E99999999","E08000019","E05010863","E43000172","%d","%s","%s","%s",`+
		`"E18000003","E40000001","E92000001","E12000003","0","E14000921","E15000003","E09000019","E30000257","E16000115","E08000019",`+
		`"00CGGG","00CGFZ0001","00CGFZ","E99999999","E01007903","E02001633","A1","3B4","E00039800","E01007903","E02001633","E33037390",`+
		`"E38000146","E63008401","C1","7B3",%s,%s,%s"E37000040","E23000018",12345,"E56000000","E54000061","E00039800","E01007903","E02001633"`+"\n",
		pcd, pcd2, pcds, doterm, r.IntN(2), e, nn, grid, latS, lonS, codes[:len(codes)-len(strings.Repeat(`"E99999999",`, 5))])
}
