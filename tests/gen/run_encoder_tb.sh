#!/bin/sh
# run_encoder_tb.sh NIBBLE OUTDIR: generates a 4-row, depth-2, range+precision
# OverQ encoder and checks it against the hand-worked vectors of encoder_tb.v.
set -eu
nibble=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out"
"$nibble" gen --weights int4 --acts overq --rows 4 --cols 1 --cascade 2 \
    --overq-mode range+precision --overq-encoder -o "$out/design" >/dev/null
iverilog -g2005 -o "$out/tb.vvp" -s encoder_tb "$here/encoder_tb.v" "$out/design/nibble_overq_encoder.v"
vvp -n "$out/tb.vvp" > "$out/tb.log"
cat "$out/tb.log"
grep -q '^PASS' "$out/tb.log" && ! grep -q 'MISMATCH' "$out/tb.log"
