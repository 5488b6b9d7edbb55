#!/usr/bin/env bash
# propose-set on the Sheffield demo, in one run: the time and peak memory of
#   placemap propose-set --blocks oa-2011 --fit community-neighbourhoods,nhs-networks,council-neighbourhoods
#     --nest-in wards-2019 --population population --min-pop 3000 --max-pop 15000
# on the demo GeoPackage (a fresh process each run: crosswalks, adjacency,
# search and the union of each area's blocks, nothing cached), best and median
# of RUNS (default 3); and the peer: PostGIS doing the union and contiguity
# check of the same plan (ST_Union of each area's blocks, ST_NumGeometries),
# on the same machine, against the union step placemap reports. Both must find
# every area one polygon.
#
# The machine's load average is printed first: on a shared machine wall time
# grows with it, CPU time (user+sys) much less.
#
#   bench/propose.sh [RUNS]
#   PLACEMAP_BENCH_GEOS=1 bench/propose.sh    placemap built with -tags geos
#
# The PostGIS row needs PostgreSQL with PostGIS at $PLACEMAP_BENCH_PG (default
# postgres://postgres@127.0.0.1:5432/postgres); a scratch database is made and
# dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
runs="${1:-3}"

tags=()
[ -n "${PLACEMAP_BENCH_GEOS:-}" ] && tags=(-tags geos)
CGO_ENABLED=1 go build "${tags[@]}" -o "$work/placemap" ./cmd/placemap
"$work/placemap" demo --data "$work/data" >/dev/null 2>&1

echo "placemap $(git rev-parse --short HEAD 2>/dev/null || echo '?') on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
args=(propose-set --data "$work/data" --blocks oa-2011 --fit community-neighbourhoods,nhs-networks,council-neighbourhoods
	--nest-in wards-2019 --population population --min-pop 3000 --max-pop 15000 --slug shared-2026 --title "Shared neighbourhoods"
	--dry-run --report "$work/report.json" --lookup "$work/plan.csv")
walls=()
for i in $(seq "$runs"); do
	/usr/bin/time -v "$work/placemap" "${args[@]}" >"$work/out.txt" 2>"$work/time.txt"
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$work/time.txt")
	rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/time.txt")
	cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ {s+=$2} END {printf "%.2f", s}' "$work/time.txt")
	step=$(sed -n 's/^time: //p' "$work/out.txt")
	echo "run $i: ${wall} s wall, ${cpu} s CPU (user+sys), ${rss} MiB peak RSS; $step"
	walls+=("$wall")
done
python3 - "${walls[@]}" <<'EOF'
import statistics, sys
w = sorted(float(x) for x in sys.argv[1:])
print(f"propose-set: best {w[0]:.2f} s, median {statistics.median(w):.2f} s over {len(w)} runs (aim < 10 s on 2 cores)")
EOF
grep -E '^(proposal from|checks:)' "$work/out.txt"
sed -n '/^AGREEMENT WITH/,/^  /p' "$work/out.txt" | grep -v '^  '

if ! psql -q "$admin" -c 'SELECT 1' >/dev/null 2>&1; then
	echo "(PostGIS peer skipped: no PostgreSQL at $admin)"
	exit 0
fi
db="placemap_proposebench_$$"
psql -q "$admin" -c "CREATE DATABASE $db" >/dev/null
url="${admin%/*}/$db"
"$work/placemap" demo --db "$url" >/dev/null 2>&1
psql -q "$url" -c "CREATE TABLE plan (block_code text PRIMARY KEY, area_code text, area_name text)"
psql -q "$url" -c "\copy plan FROM '$work/plan.csv' CSV HEADER"
psql -q "$url" -c "ANALYZE plan" >/dev/null
q="SELECT count(*) AS areas, count(*) FILTER (WHERE parts = 1) AS one_polygon FROM (
  SELECT p.area_code, ST_NumGeometries(ST_Union(a.geom)) AS parts
  FROM plan p JOIN areas a ON a.set_slug = 'oa-2011' AND a.code = p.block_code GROUP BY p.area_code) u"
best=""
for i in $(seq "$runs"); do
	t0=$(now)
	res=$(psql -qAt -F' ' "$url" -c "$q")
	t1=$(now)
	s=$(secs "$t0" "$t1")
	echo "PostGIS run $i: ST_Union of each area's blocks + ST_NumGeometries: ${s} s (areas, one polygon: $res)"
done
pgver=$(psql -qAt "$url" -c "SELECT postgis_lib_version() || ', GEOS ' || postgis_geos_version()")
echo "peer: PostGIS $pgver; placemap's own union step is the 'union of blocks' figure above"
