#!/bin/sh
# run_scale_col_tb.sh NIBBLE VECTORS-TOOL OUTDIR pass|fail COUNT SEED [SED-EXPR] -- GEN-ARGS...
# Generates a block-scaled design, draws COUNT random vectors for its scale
# stage from the golden library (scale_vectors), and runs scale_col_tb.v on
# nibble_scale_col with Icarus. With "fail", SED-EXPR first breaks a copy of
# the generated scale stage (e.g. a rounding bit), and the testbench must
# catch it.
set -eu
nibble=$1
vectors=$2
out=$3
want=$4
count=$5
seed=$6
shift 6
broken=""
if [ "$1" != "--" ]; then broken=$1; shift; fi
[ "$1" = "--" ] || { echo "usage: run_scale_col_tb.sh NIBBLE VECTORS OUT pass|fail N SEED [SED] -- GEN-ARGS" >&2; exit 2; }
shift
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out"
"$nibble" gen "$@" -o "$out/design" >/dev/null
set -- $(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
b, d = m["block"], m["derived"]
print(b["w_scale"], b["a_scale"], m["config"]["acc_bits"], d["w_grid_frac"] + d["a_grid_frac"],
      b["w_scale_bits"], b["a_scale_bits"])
' "$out/design/manifest.json")
"$vectors" "$1" "$2" "$3" "$4" "$count" "$seed" > "$out/vectors.txt"
mkdir -p "$out/rtl"
for f in nibble_f32_round.v nibble_f32_add_align.v nibble_f32_add_sum.v nibble_f32_add.v \
         nibble_scale_prod.v nibble_scale_col.v; do cp "$out/design/$f" "$out/rtl/$f"; done
if [ -n "$broken" ]; then
    before=$(cat "$out/rtl/"*.v | cksum)
    sed -i "$broken" "$out/rtl/"*.v
    [ "$before" != "$(cat "$out/rtl/"*.v | cksum)" ] || { echo "the sed expression changed nothing"; exit 1; }
fi
iverilog -g2005 -DACC="$3" -DWSB="$5" -DASB="$6" -DVECTORS="\"$out/vectors.txt\"" \
    -o "$out/tb.vvp" -s scale_col_tb "$here/scale_col_tb.v" "$out/rtl/"*.v
vvp -n "$out/tb.vvp" > "$out/tb.log"
tail -12 "$out/tb.log"
if [ "$want" = pass ]; then
    grep -q '^PASS' "$out/tb.log"
else
    grep -q '^FAIL: [0-9]* mismatches in' "$out/tb.log"
fi
