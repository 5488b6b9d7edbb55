#!/usr/bin/env bash
# Cached tiles, old build against this one in the same run: placemap
# (GeoPackage, and PostGIS when there is a PostgreSQL) at a git ref
# ($PLACEMAP_BENCH_OLD, default where this branch left main) and from the working tree, each
# serving the Sheffield demo with its tile cache on and every tile already
# cached, beside the static file server on the same bytes (tilebench
# -static). Prints tilebench's table with the ratios to the static server,
# then each server's process CPU per tile request (from /proc and its own
# /metrics count), at each concurrency.
#
#   bench/cached.sh [tilebench flags; default -layers lsoa-2011,assets -zooms 10-16]
#   PLACEMAP_BENCH_CONNS="1 16"  the concurrencies to run (tilebench -c)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

old="${PLACEMAP_BENCH_OLD:-$(git merge-base HEAD main)}"
mkdir -p "$work/old"
git archive "$old" | tar -x -C "$work/old"
(cd "$work/old" && go build -o "$work/placemap-old" ./cmd/placemap)
go build -o "$work/placemap-new" ./cmd/placemap
go build -o "$work/tilebench" ./bench/tilebench
"$work/placemap-new" demo --data "$work/data" >/dev/null 2>&1

tmpl=/tiles/{layer}/{z}/{x}/{y}.mvt
declare -A port=([gpkg-old]=18091 [gpkg-new]=18092 [pg-old]=18093 [pg-new]=18094)
declare -A pid
serve() { # name binary args...
	local name=$1 bin=$2; shift 2
	"$bin" serve --addr "127.0.0.1:${port[$name]}" --tile-cache-mb 256 "$@" >/dev/null 2>&1 & pids+=($!)
	pid[$name]=$!
}
serve gpkg-old "$work/placemap-old" --no-demo --data "$work/data"
serve gpkg-new "$work/placemap-new" --no-demo --data "$work/data"
names=(gpkg-old gpkg-new)
if psql -q "$admin" -c 'SELECT 1' >/dev/null 2>&1; then
	db="placemap_cached_$$"
	psql -q "$admin" -c "CREATE DATABASE $db" >/dev/null
	url="${admin%/*}/$db"
	"$work/placemap-new" copy --from "$work/data" --to "$url" 2>/dev/null
	psql -q "$url" -c 'ANALYZE' >/dev/null
	serve pg-old "$work/placemap-old" --db "$url"
	serve pg-new "$work/placemap-new" --db "$url"
	names+=(pg-old pg-new)
fi
engines=()
for n in "${names[@]}"; do
	wait_ready "http://127.0.0.1:${port[$n]}/readyz"
	engines+=(-http-warm "placemap $n, cached=http://127.0.0.1:${port[$n]}$tmpl")
done
static="static files, same tile bytes"
engines+=(-static "$static=http://127.0.0.1:${port[gpkg-new]}$tmpl")
ratios=()
for n in "${names[@]}"; do ratios+=(-ratio "placemap $n, cached/$static>=0.8"); done
args=(-layers lsoa-2011,assets -zooms 10-16)
[ $# -gt 0 ] && args=("$@")

# cpu PID: the process's user+system CPU in clock ticks.
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
# tiles PORT: the tile requests the server has answered.
tiles() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^placemap_http_requests_total\{.*route="\/tiles\/\{layer\}\/\{z\}\/\{x\}\/\{file\}"/ {s+=$2} END {print s+0}'; }

# Every tile cached in every server first, so the measured run's warm-up
# requests are cached hits too.
"$work/tilebench" "${engines[@]}" "${args[@]}" -c 4 -min-time 100ms >/dev/null
echo "placemap $old vs $(git rev-parse --short HEAD) (+ working tree) on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
for c in ${PLACEMAP_BENCH_CONNS:-1 16}; do
	declare -A c0 t0
	for n in "${names[@]}"; do c0[$n]=$(cpu "${pid[$n]}"); t0[$n]=$(tiles "${port[$n]}"); done
	echo "== $c connections"
	"$work/tilebench" "${engines[@]}" "${ratios[@]}" "${args[@]}" -c "$c" >"$work/table" &
	bench=$!
	# The static server is tilebench's child: its CPU, read until it ends.
	static_cpu=0
	while kill -0 "$bench" 2>/dev/null; do
		for p in $(pgrep -P "$bench" 2>/dev/null); do static_cpu=$(cpu "$p" 2>/dev/null || echo "$static_cpu"); done
		sleep 0.2
	done
	wait "$bench"
	cat "$work/table"
	python3 -c "import sys,os; t=sum(int(l.split()[-5]) for l in open(sys.argv[1]) if 'static files' in l and l.split()[-5].isdigit()); \
print(f'static: {t} tile requests (measured rounds), {float(sys.argv[2])/os.sysconf(\"SC_CLK_TCK\")*1e6/max(t,1):.1f} µs CPU each (its whole life, fill included)')" \
		"$work/table" "$static_cpu"
	for n in "${names[@]}"; do
		c1=$(cpu "${pid[$n]}") t1=$(tiles "${port[$n]}")
		python3 -c "import sys,os; c,t=float(sys.argv[2])-float(sys.argv[3]),float(sys.argv[4])-float(sys.argv[5]); \
print(f'{sys.argv[1]}: {t:.0f} tile requests, {c/os.sysconf(\"SC_CLK_TCK\")*1e6/max(t,1):.1f} µs CPU each')" \
			"$n" "$c1" "${c0[$n]}" "$t1" "${t0[$n]}"
	done
done
