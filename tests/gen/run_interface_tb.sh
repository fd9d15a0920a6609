#!/bin/sh
# run_interface_tb.sh NIBBLE OUTDIR pass|fail [TB-DEFINE...] -- GEN-ARGS...
# Generates a design and runs interface_tb.v (the interface rules of
# gen/README.md) on it with Icarus. "fail" runs a deliberately wrong variant
# of the documented model and requires the testbench to catch it.
set -eu
nibble=$1
out=$2
want=$3
shift 3
defs=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do defs="$defs $1"; shift; done
[ $# -gt 0 ] || { echo "usage: run_interface_tb.sh NIBBLE OUTDIR pass|fail [-DX...] -- GEN-ARGS" >&2; exit 2; }
shift
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out"
"$nibble" gen "$@" -o "$out/design" >/dev/null
# the testbench's sizes come from the manifest
params=$(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
c, d = m["config"], m["derived"]
q = m.get("overq") or {}
tw = q.get("tag_bits", 0)
print("-DROWS=%d -DCOLS=%d -DPIPE=%d -DACC=%d -DRAB=%d -DLAT=%d -DAFRAC=%d -DOVERQ=%d -DTAGW=%d%s%s" % (
    c["rows"], c["cols"], c["pipeline"], c["acc_bits"], d["row_addr_bits"], m["latency"],
    d["a_grid_frac"], 1 if tw else 0, max(tw, 1), " -DOVERQ_TAGS" if tw else "",
    " -DOVERQ_PREC" if q.get("mode") == "range+precision" else ""))
' "$out/design/manifest.json")
files=$(sed "s|^|$out/design/|" "$out/design/files.f" | tr '\n' ' ')
# shellcheck disable=SC2086
iverilog -g2005 $params $defs -o "$out/tb.vvp" -s interface_tb "$here/interface_tb.v" $files
vvp -n "$out/tb.vvp" > "$out/tb.log"
cat "$out/tb.log"
if [ "$want" = pass ]; then
    grep -q '^PASS' "$out/tb.log" && ! grep -q 'MISMATCH' "$out/tb.log"
else
    # the wrong model must be caught (and the run must have got that far)
    grep -q '^FAIL: [0-9]* mismatches' "$out/tb.log"
fi
