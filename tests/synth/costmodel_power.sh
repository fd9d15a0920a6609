#!/bin/sh
# costmodel_power.sh NIBBLE WORKDIR
# Sweeps INT4 x INT4 arrays from 1x1 to 4x4 with gate-level power, fits the
# analytic model to area and to power, and requires both held-out errors (the
# 4x4 array) to stay within 5%. Minutes of simulation: "full" label.
set -u
nibble=$1
work=$2
rm -rf "$work"
"$nibble" sweep -o "$work" --weights int4 --acts int4 --sizes 1x1,2x2,2x4,4x2,3x3,3x5,5x3,4x4 \
    > "$work.log" 2>&1 || { cat "$work.log"; exit 1; }
out=$("$nibble" costmodel --table "$work/synth.json") || { printf '%s\n' "$out"; echo "FAIL: costmodel"; exit 1; }
printf '%s\n' "$out"
for what in "held-out error" "held-out power error"; do
    worst=$(printf '%s\n' "$out" | sed -n "s/^$what: at most \([0-9.]*\)%.*/\1/p")
    [ -n "$worst" ] || { echo "FAIL: no '$what' line"; exit 1; }
    awk -v w="$worst" 'BEGIN { exit !(w < 5) }' || { echo "FAIL: $what $worst% exceeds 5%"; exit 1; }
done
echo "ok: area and power models within 5% on the held-out array"
