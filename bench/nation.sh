#!/usr/bin/env bash
# National scale on one box: generates the synthetic data set (bench/nationgen,
# 105 copies of Sheffield: 190,785 OAs, 36,225 LSOAs, 2 × 2,940 wards,
# 15,435 community areas, 997,500 assets), imports it into a GeoPackage with
# placemap's own commands, and reports:
#   - the time of each import and the file's size;
#   - start-up time on the existing data directory (process start to /readyz);
#   - the server's RSS idle, and after tiles at z8-z16 across the country and
#     crosswalks were served (from /metrics);
#   - then, with PostgreSQL, the same imports copied into PostGIS and the
#     same start-up and RSS.
#
#   bench/nation.sh [-copies N] [-assets-per-copy N]
#
# Needs a few GiB of disk in $TMPDIR and, for PostGIS, $PLACEMAP_BENCH_PG
# (default postgres://postgres@127.0.0.1:5432/postgres). The import takes
# tens of minutes: set PLACEMAP_NATION_DIR to a directory to keep the
# imported GeoPackage there and reuse it on the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

go build -o "$work/placemap" ./cmd/placemap
go run ./bench/nationgen -root . -out "$work/gen" "$@"
echo "placemap $(git rev-parse --short HEAD 2>/dev/null || echo '?') on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
du -sh "$work/gen"/* | sed 's/^/  generated /'

P="$work/placemap"
D="${PLACEMAP_NATION_DIR:-$work/data}"
if [ -e "$D/placemap.gpkg" ]; then
	echo "reusing the imported GeoPackage in $D"
else
t0=$(now)
"$P" import set "$work/gen/oa.geojson" --slug oa-2011 --title "Output Areas (synthetic)" --kind statistical --data "$D" >/dev/null
t1=$(now); echo "import OAs: $(secs "$t0" "$t1") s"
"$P" import set "$work/gen/lsoa.geojson" --slug lsoa-2011 --title "LSOAs (synthetic)" --kind statistical --data "$D" >/dev/null
t2=$(now); echo "import LSOAs: $(secs "$t1" "$t2") s"
"$P" import set "$work/gen/wards-2013.geojson" --slug wards-2013 --title "Wards 2013 (synthetic)" --kind statutory --data "$D" >/dev/null
"$P" import set "$work/gen/wards-2019.geojson" --slug wards-2019 --title "Wards 2019 (synthetic)" --kind statutory --data "$D" >/dev/null
t3=$(now); echo "import wards (two releases): $(secs "$t2" "$t3") s"
"$P" import set "$work/gen/community.geojson" --slug community --title "Community areas (synthetic)" --kind community --name-field name --code-field code --data "$D" >/dev/null
t4=$(now); echo "import community areas: $(secs "$t3" "$t4") s"
"$P" import assets "$work/gen/assets.csv" --licence CC0-1.0 --source synthetic --data "$D" >/dev/null
t5=$(now); echo "import assets (and their memberships in 6 sets): $(secs "$t4" "$t5") s"
fi
echo "GeoPackage: $(du -h "$D/placemap.gpkg" | cut -f1)"

serve_and_measure() { # label, port, store flags...
	local label=$1 port=$2; shift 2
	local s0 s1 pid
	s0=$(now)
	"$P" serve --addr "127.0.0.1:$port" --no-demo --request-timeout 30m --write-timeout 30m --crosswalk-cache-mb 2048 "$@" >/dev/null 2>&1 & pid=$!; pids+=($pid)
	for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.05; done
	s1=$(now)
	local idle; idle=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^process_resident_memory_bytes/ {printf "%.0f", $2/1048576}')
	# Tiles at z8-z16 across the grid of copies, and two crosswalks.
	python3 - "$port" <<'PY'
import math, random, sys, urllib.request
port = sys.argv[1]
random.seed(7)
def tile(lon, lat, z):
    n = 2 ** z
    r = math.radians(lat)
    return int((lon + 180) / 360 * n), int((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
for i in range(600):
    z = random.randint(8, 16)
    lon, lat = random.uniform(-1.8, 5.7), random.uniform(53.3, 54.9)
    x, y = tile(lon, lat, z)
    layer = random.choice(["oa-2011", "lsoa-2011", "wards-2019", "assets"])
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/tiles/{layer}/{z}/{x}/{y}.mvt", timeout=120).read()
    except Exception as e:
        pass
import time
for a, b in [("wards-2013", "wards-2019"), ("lsoa-2011", "wards-2019")]:
    t = time.time()
    try:
        n = len(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/crosswalks/{a}/{b}?format=csv", timeout=1800).read())
        print(f"  crosswalk {a} x {b}: {time.time() - t:.1f} s ({n} bytes of CSV)")
    except Exception as e:
        print(f"  crosswalk {a} x {b}: failed after {time.time() - t:.1f} s: {e}")
PY
	local busy; busy=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^process_resident_memory_bytes/ {printf "%.0f", $2/1048576}')
	echo "$label: start-up $(secs "$s0" "$s1") s; RSS idle $idle MiB, after 600 tiles (z8-z16) and two national crosswalks $busy MiB"
	kill "$pid"; wait "$pid" 2>/dev/null || true
}
serve_and_measure "serve, GeoPackage" 18095 --data "$D"

if psql -q "$admin" -c 'SELECT 1' >/dev/null 2>&1; then
	db="placemap_nation_$$"
	psql -q "$admin" -c "CREATE DATABASE $db" >/dev/null
	url="${admin%/*}/$db"
	c0=$(now)
	"$P" copy --from "$D" --to "$url" >/dev/null 2>&1
	c1=$(now); echo "copy into PostGIS: $(secs "$c0" "$c1") s"
	psql -q "$url" -c 'ANALYZE' >/dev/null
	serve_and_measure "serve, PostGIS" 18096 --db "$url"
fi
