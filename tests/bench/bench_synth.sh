#!/bin/sh
# bench_synth.sh NIBBLE WORKDIR [--quick]
# Prints the wall time of the full single-format PE sweep (nibble sweep
# --preset pe-formats: area, timing and gate-level power) on an empty
# synthesis cache, and of the same sweep re-run on the filled cache, with
# their ratio. --quick sweeps two PEs only (the test suite's smoke run).
set -u
nibble=$1
work=$2
mode=${3:-}
rm -rf "$work"
mkdir -p "$work"
# an empty nibble cache (ccache may still hold compiled C++ objects)
export NIBBLE_CACHE_DIR="$work/cache"
if [ "$mode" = "--quick" ]; then
    what="--weights int4;e2m1-sr --acts int4"
else
    what="--preset pe-formats"
fi
jobs=$(nproc)
t0=$(date +%s.%N)
"$nibble" sweep -o "$work/cold" $what -j "$jobs" > "$work/cold.log" 2>&1 || { cat "$work/cold.log"; exit 1; }
t1=$(date +%s.%N)
"$nibble" sweep -o "$work/warm" $what -j "$jobs" > "$work/warm.log" 2>&1 || { cat "$work/warm.log"; exit 1; }
t2=$(date +%s.%N)
rows=$(($(wc -l < "$work/cold/synth.csv") - 1))
grep -E "^\[sweep\] |^PE area|^supernormal|^ordering" "$work/cold.log"
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$rows" -v j="$jobs" 'BEGIN {
    cold = b - a; warm = c - b;
    printf "bench_synth: %d designs with area, fmax and power, %d jobs\n", n, j;
    printf "  empty cache: %8.1f s  (target < 180 s for the full PE sweep)\n", cold;
    printf "  cached:      %8.2f s  (target < 5 s), %.0fx faster\n", warm, cold / warm;
}'
cmp -s "$work/cold/synth.csv" "$work/warm/synth.csv" || { echo "FAIL: cached table differs"; exit 1; }
