#!/bin/sh
# costmodel_arrays.sh NIBBLE WORKDIR
# Sweeps the 'arrays' preset (area only), fits the analytic cost model and
# requires its error on the held-out 8x8 arrays to stay within 5%.
set -u
nibble=$1
work=$2
rm -rf "$work"
"$nibble" sweep -o "$work" --preset arrays --no-power > "$work.log" 2>&1 || { cat "$work.log"; exit 1; }
out=$("$nibble" costmodel --table "$work/synth.json") || { printf '%s\n' "$out"; echo "FAIL: costmodel"; exit 1; }
printf '%s\n' "$out"
worst=$(printf '%s\n' "$out" | sed -n 's/^held-out error: at most \([0-9.]*\)%.*/\1/p')
[ -n "$worst" ] || { echo "FAIL: no held-out error printed"; exit 1; }
awk -v w="$worst" 'BEGIN { exit !(w < 5) }' || { echo "FAIL: held-out error $worst% exceeds 5%"; exit 1; }
echo "ok: held-out error $worst% (target 5%)"
