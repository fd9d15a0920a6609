#!/bin/sh
# run_scale_top_tb.sh NIBBLE OUTDIR pass|fail [--scale-stages N] [-DDEFINE...]
# Generates a 4x4 mxfp4 design and runs scale_top_tb.v (the scale stage's
# interface rules of gen/README.md, hand-computed values) on it with Icarus;
# "fail" runs a deliberately wrong reading of the rules, which must be caught.
# With --scale-stages N the testbench gets DT and DA from gen/README.md's
# table (DT = 1 for N = 2, else 2; DA = N - DT).
set -eu
nibble=$1
out=$2
want=$3
shift 3
stages=2
if [ "${1:-}" = "--scale-stages" ]; then stages=$2; shift 2; fi
dt=2
[ "$stages" != 2 ] || dt=1
da=$((stages - dt))
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out"
"$nibble" gen --weights mxfp4 --acts mxfp4 --rows 4 --cols 4 --scale-stages "$stages" -o "$out/design" >/dev/null
lat=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["latency"])' "$out/design/manifest.json")
files=$(sed "s|^|$out/design/|" "$out/design/files.f" | tr '\n' ' ')
# shellcheck disable=SC2086
iverilog -g2005 -DLAT="$lat" -DDT="$dt" -DDA="$da" "$@" -o "$out/tb.vvp" -s scale_top_tb "$here/scale_top_tb.v" $files
vvp -n "$out/tb.vvp" > "$out/tb.log"
cat "$out/tb.log"
if [ "$want" = pass ]; then
    grep -q '^PASS' "$out/tb.log" && ! grep -q 'MISMATCH' "$out/tb.log"
else
    grep -q '^FAIL: [0-9]* mismatches' "$out/tb.log"
fi
