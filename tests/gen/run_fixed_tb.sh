#!/bin/sh
# run_fixed_tb.sh NIBBLE VECTORS-TOOL OUTDIR pass|fail SEED [SED-EXPR] -- GEN-ARGS...
# Generates a block-scaled design with --scale-acc fixed..., writes one vector
# per pair of E8M0 scale codes (all 65536) from the golden library
# (fixed_vectors) and runs fixed_tb.v on nibble_fixed_term and
# nibble_fixed_add with Icarus. With "fail", SED-EXPR first breaks a copy of
# the generated stage, and the testbench must catch it.
set -eu
nibble=$1
vectors=$2
out=$3
want=$4
seed=$5
shift 5
broken=""
if [ "$1" != "--" ]; then broken=$1; shift; fi
[ "$1" = "--" ] || { echo "usage: run_fixed_tb.sh NIBBLE VECTORS OUT pass|fail SEED [SED] -- GEN-ARGS" >&2; exit 2; }
shift
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out"
"$nibble" gen "$@" -o "$out/design" >/dev/null
set -- $(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
f, d, acc = m["block"]["fixed"], m["derived"], m["config"]["acc_bits"]
print(acc, d["w_grid_frac"] + d["a_grid_frac"], f["bits"], f["lsb_exp"], f["mode"],
      max(acc, f["bits"]), f["facc_bits"])
' "$out/design/manifest.json")
"$vectors" "$1" "$2" "$3" "$4" "$5" "$seed" > "$out/vectors.txt"
mkdir -p "$out/rtl"
for f in nibble_f32_round.v nibble_fixed_term.v nibble_fixed_sum.v nibble_fixed_f32.v nibble_fixed_add.v; do cp "$out/design/$f" "$out/rtl/$f"; done
if [ -n "$broken" ]; then
    before=$(cat "$out/rtl/"*.v | cksum)
    sed -i "$broken" "$out/rtl/"*.v
    [ "$before" != "$(cat "$out/rtl/"*.v | cksum)" ] || { echo "the sed expression changed nothing"; exit 1; }
fi
iverilog -g2005 -DACC="$1" -DTW="$6" -DFB="$7" -DVECTORS="\"$out/vectors.txt\"" \
    -o "$out/tb.vvp" -s fixed_tb "$here/fixed_tb.v" "$out/rtl/"*.v
vvp -n "$out/tb.vvp" > "$out/tb.log"
tail -12 "$out/tb.log"
if [ "$want" = pass ]; then
    grep -q '^PASS' "$out/tb.log"
else
    grep -q '^FAIL: [0-9]* mismatches in' "$out/tb.log"
fi
