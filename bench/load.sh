#!/usr/bin/env bash
# Load test, both stores in one run: 200 concurrent clients for 60 s each
# (tiles z10-z16 over Sheffield 70 %, API reads 15 %, searches 10 %, writes
# 5 % as an editor), on loopback only. Reports requests/s, p50/p99/p99.9 by
# kind, errors, lost writes (every acknowledged write read back), and the
# server's RSS and goroutines before and after.
#
#   bench/load.sh [loadtest flags, e.g. -c 50 -d 20s]
#
# PostGIS runs need PostgreSQL with PostGIS at $PLACEMAP_BENCH_PG (default
# postgres://postgres@127.0.0.1:5432/postgres); a scratch database is made
# and dropped. The servers listen on $PLACEMAP_LOAD_PORT and the port after
# it (default 18090); a port something else holds stops the run, loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
# token BASE: signs the load editor in and makes an API token.
token() {
	local jar="$work/jar.$RANDOM" csrf
	csrf=$(curl -sf -c "$jar" -H 'Content-Type: application/json' -d '{"email":"load@example.org","password":"a long enough password"}' "$1/api/login" |
		sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
	curl -sf -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' -d '{"name":"load"}' "$1/api/tokens" |
		sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}

go build -o "$work/placemap" ./cmd/placemap
go build -o "$work/loadtest" ./bench/loadtest
"$work/placemap" demo --data "$work/data" >/dev/null 2>&1
echo 'a long enough password' | "$work/placemap" user add load@example.org --role editor --password-stdin --data "$work/data" >/dev/null
echo "placemap $(git rev-parse --short HEAD 2>/dev/null || echo '?') on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"

run() { # label, serve args...
	local label=$1 port=$2; shift 2
	if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
		echo "$label: port $port is taken by another server" >&2
		return 1
	fi
	"$work/placemap" serve --addr "127.0.0.1:$port" --writes-per-minute 100000 "$@" >/dev/null 2>&1 & pids+=($!)
	wait_ready "http://127.0.0.1:$port/readyz" 300
	local tok; tok=$(token "http://127.0.0.1:$port") || true
	[ -n "$tok" ] || { echo "no token for $label" >&2; return 1; }
	"$work/loadtest" -base "http://127.0.0.1:$port" -token "$tok" -label "$label" "${loadflags[@]}" || status=1
}
loadflags=("$@")
status=0
port=${PLACEMAP_LOAD_PORT:-18090}
run "placemap, GeoPackage" "$port" --no-demo --data "$work/data"
if psql -q "$admin" -c 'SELECT 1' >/dev/null 2>&1; then
	db="placemap_load_$$"
	psql -q "$admin" -c "CREATE DATABASE $db" >/dev/null
	url="${admin%/*}/$db"
	"$work/placemap" copy --from "$work/data" --to "$url" >"$work/copy.log" 2>&1 || { echo "copy to PostGIS failed:" >&2; tail -3 "$work/copy.log" >&2; exit 1; }
	echo 'a long enough password' | "$work/placemap" user add load@example.org --role editor --password-stdin --db "$url" >/dev/null
	psql -q "$url" -c 'ANALYZE' >/dev/null
	run "placemap, PostGIS" "$((port + 1))" --db "$url"
else
	echo "(PostGIS run skipped: no PostgreSQL at $admin)" >&2
fi
exit $status
