#!/usr/bin/env bash
# Regression guard: runs placemap's Go benchmarks — tile rendering, asset
# placement (memberships), crosswalk overlay, set import, OSM reading — at
# two commits and prints benchstat's comparison.
#
#   bench/compare.sh OLD [NEW]            # NEW defaults to the working tree
#   COUNT=10 BENCH='Render|Crosswalk' bench/compare.sh main~5
#
# Each side runs in a git worktree of its own, -count=$COUNT (default 6)
# times, so benchstat can tell noise from change.
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: bench/compare.sh OLD [NEW]}
new=${2:-}
count=${COUNT:-6}
bench=${BENCH:-Render|PlaceAssets|Crosswalk|ImportSet|ReadDelaware}
pkgs=(./internal/tiles ./internal/store/gpkg ./internal/reconcile ./internal/importer ./internal/osm)
work=$(mktemp -d)
cleanup() {
	git worktree remove --force "$work/old" 2>/dev/null || true
	[ -n "$new" ] && git worktree remove --force "$work/new" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

run() { # dir, out
	(cd "$1" && go test -run '^$' -bench "$bench" -benchmem -count "$count" "${pkgs[@]}") >"$2"
}
git worktree add --detach "$work/old" "$old" >/dev/null 2>&1
run "$work/old" "$work/old.txt"
if [ -n "$new" ]; then
	git worktree add --detach "$work/new" "$new" >/dev/null 2>&1
	run "$work/new" "$work/new.txt"
else
	run . "$work/new.txt"
fi
echo "placemap benchmarks: $old → ${new:-working tree}, $(nproc) cores, count $count"
go run golang.org/x/perf/cmd/benchstat@latest "$work/old.txt" "$work/new.txt"
