#!/usr/bin/env bash
# Street basemap import speed and memory: `placemap import basemap` of an
# OSM extract (default: geodata/osm/delaware-latest.osm.pbf) into a fresh
# GeoPackage, against osmium doing comparable work in the same run, with
# wall time, CPU time and peak memory (GNU time -v) for each, and the
# ratio. Then placemap's peak memory on the other extracts and on two
# files made from FILE (plus what it does not draw; twice), to show it
# follows what is drawn rather than the file's size.
#
#   bench/basemap.sh [FILE.osm.pbf]
#
# The peer: `osmium tags-filter` keeping the tags the basemap draws, then
# `osmium export` of what it kept to GeoJSON sequences. Together they do
# what placemap's import does up to the store: read the whole file, keep
# the same objects, find their nodes' locations and build their lines,
# polygons and multipolygons. placemap also simplifies each feature per
# zoom band, merges street names, and writes it all, indexed, into the
# GeoPackage in one transaction; osmium writes a plain file.
#
# Needs osmium-tool and GNU time (Debian packages osmium-tool, time).
set -euo pipefail
cd "$(dirname "$0")/.."
file="${1:-geodata/osm/delaware-latest.osm.pbf}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for tool in osmium /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install osmium-tool time)" >&2; exit 1; }
done
go build -o "$work/placemap" ./cmd/placemap

# The tags internal/basemap draws (Classify).
filter=(nwr/highway w/railway w/waterway nwr/natural=water,wood,coastline,scrub,heath,grassland
	nwr/landuse=reservoir,basin,forest,grass,meadow,recreation_ground,village_green,cemetery,allotments
	nwr/leisure=park,garden,nature_reserve,playground,common,pitch,golf_course,recreation_ground
	nwr/building n/place)

# measure NAME COMMAND...: the best wall time of 3 runs, with that run's
# CPU seconds (user + system) and peak resident memory; sets secs.
measure() {
	local name=$1; shift
	local best="" cpu="" mem=""
	for run in 1 2 3; do
		rm -rf "$work/data" "$work/out"*
		/usr/bin/time -v -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
		local s u y k
		s=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); t=0; for(i=1;i<=n;i++) t=t*60+a[i]; print t}' "$work/time")
		u=$(awk -F': ' '/User time/{print $2}' "$work/time")
		y=$(awk -F': ' '/System time/{print $2}' "$work/time")
		k=$(awk -F': ' '/Maximum resident set size/{print $2}' "$work/time")
		if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; cpu=$(awk "BEGIN{print $u+$y}"); mem=$k; fi
	done
	printf "%-44s %7.2f s wall %7.2f s cpu %8.1f MiB peak\n" "$name" "$best" "$cpu" "$(awk "BEGIN{print $mem/1024}")"
	secs=$best
}

echo "$(basename "$file") ($(du -h "$file" | cut -f1)), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ); best of 3"
measure "osmium tags-filter + export (geojsonseq)" bash -c \
	'osmium tags-filter -O "$0" "${@}" -o "'"$work"'/out.osm.pbf" && osmium export -O "'"$work"'/out.osm.pbf" -f geojsonseq -o "'"$work"'/out.geojsonseq"' \
	"$file" "${filter[@]}"
peer=$secs
measure "placemap import basemap (into gpkg)" "$work/placemap" import basemap "$file" --data "$work/data"
echo "placemap / osmium wall time: $(awk "BEGIN{printf \"%.2f\", $secs/$peer}")×"
rm -rf "$work/data"
"$work/placemap" import basemap "$file" --data "$work/data" 2>/dev/null | sed 's/^/placemap: /'
echo "GeoPackage: $(du -h "$work/data/placemap.gpkg" | cut -f1)"

# Memory against file size: placemap alone on each extract geodata/osm
# has, then on two files made from the first: plus-undrawn is it merged
# with a renumbered copy of everything in it the basemap does not draw
# (a bigger file, the same drawing), twice is it merged with a renumbered
# copy of all of it (twice the file and twice the drawing).
osmium renumber -O -s 20000000000,2000000000,200000000 "$file" -o "$work/renum.osm.pbf"
osmium tags-filter -O -i -R "$work/renum.osm.pbf" "${filter[@]}" -o "$work/undrawn.osm.pbf"
osmium merge -O "$file" "$work/undrawn.osm.pbf" -o "$work/plus-undrawn.osm.pbf"
osmium merge -O "$file" "$work/renum.osm.pbf" -o "$work/twice.osm.pbf"
for f in geodata/osm/andorra-latest.osm.bz2 geodata/osm/delaware-latest.osm.pbf "$work/plus-undrawn.osm.pbf" "$work/twice.osm.pbf"; do
	[ -f "$f" ] || continue
	rm -rf "$work/data"
	/usr/bin/time -v -o "$work/time" "$work/placemap" import basemap "$f" --data "$work/data" --max-decompressed-mb 2048 >"$work/out" 2>&1
	printf "%-44s %8.1f MiB peak (%s file; %s)\n" "placemap import basemap $(basename "$f")" \
		"$(awk -F': ' '/Maximum resident set size/{print $2/1024}' "$work/time")" "$(du -h "$f" | cut -f1)" \
		"$(grep -o '[0-9]* nodes, [0-9]* ways' "$work/out"), $(grep -o '[0-9]* stored features' "$work/out")"
done
