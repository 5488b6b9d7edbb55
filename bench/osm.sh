#!/usr/bin/env bash
# OSM import speed: placemap importing the civic assets of an OSM file
# (default: geodata/osm/delaware-latest.osm.pbf) into a fresh GeoPackage,
# against osmium tags-filter extracting the same tags, in one run, with
# wall time and peak memory (GNU time) for each. Pass a file to use another;
# the memory figures show whether placemap stays flat as files grow.
#
#   bench/osm.sh [FILE.osm.pbf]
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

# The tags placemap treats as civic (internal/osm, docs/osm-tags.md).
filter=(nwr/amenity=library,community_centre,social_centre,townhall,arts_centre,place_of_worship,social_facility,childcare,toilets
	nwr/leisure=park,playground,sports_centre,garden)

measure() { # name, command...
	local name=$1; shift
	local best="" mem=""
	for run in 1 2 3; do
		rm -rf "$work/data" "$work/out.osm.pbf"
		/usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
		read -r secs kib < "$work/time"
		if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; mem=$kib; fi
	done
	printf "%-36s %8.2f s %8.1f MiB\n" "$name" "$best" "$(awk "BEGIN{print $mem/1024}")"
}

echo "$(basename "$file") ($(du -h "$file" | cut -f1)), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); best of 3"
measure "osmium tags-filter (civic tags)" osmium tags-filter -O "$file" "${filter[@]}" -o "$work/out.osm.pbf"
measure "placemap import osm (into gpkg)" "$work/placemap" import osm "$file" --data "$work/data"
osmium tags-filter -R -O "$file" "${filter[@]}" -o "$work/out.osm.pbf" 2>/dev/null
echo "osmium: $(osmium fileinfo -e -g data.count.nodes "$work/out.osm.pbf") nodes, $(osmium fileinfo -e -g data.count.ways "$work/out.osm.pbf") ways, $(osmium fileinfo -e -g data.count.relations "$work/out.osm.pbf") relations with civic tags"
rm -rf "$work/data"
"$work/placemap" import osm "$file" --data "$work/data" 2>/dev/null | sed 's/^/placemap: /'
