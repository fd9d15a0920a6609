#!/bin/sh
# sim_block_broken.sh NIBBLE WORKDIR
# nibble sim on a block-scaled design through Verilator: the good design's
# binary32 results match nb_block_gemm (exit 0); a copy whose binary32
# rounder rounds ties up is caught by the golden check alone (no lock step),
# exit 1. Heavy-tailed t(0.3) tensors give blocks with very different scales,
# so the accumulators span many binades and additions hit ties.
set -u
nibble=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
"$nibble" gen --weights mx:e2m1/e8m0/16 --acts mx:e2m1/e8m0/16 --rows 2 --cols 2 -o "$work/good" >/dev/null || exit 1
cp -r "$work/good" "$work/broken"
sed -i "s/kept\[0\] & ((|below) | m\[0\])/kept[0]/" "$work/broken/nibble_f32_round.v"
if cmp -s "$work/good/nibble_f32_round.v" "$work/broken/nibble_f32_round.v"; then
    echo "FAIL: could not break the rounder (rounding expression not found)"; exit 1
fi
run="--backend verilator --gemm 8x512x8 --dist t:0.3"
out=$("$nibble" sim --config "$work/good" $run 2>&1)
status=$?
printf '%s\n' "$out"
[ "$status" -eq 0 ] || { echo "FAIL: good design: sim exited $status"; exit 1; }
printf '%s' "$out" | grep -q "bit-exact vs golden block GEMM (binary32): yes (64 results)" ||
    { echo "FAIL: good design not bit-exact"; exit 1; }
out=$("$nibble" sim --config "$work/broken" --allow-edited-rtl $run 2>&1)
status=$?
printf '%s\n' "$out"
[ "$status" -eq 1 ] || { echo "FAIL: broken design: sim exited $status, expected 1"; exit 1; }
printf '%s' "$out" | grep -qE "bit-exact vs golden block GEMM \(binary32\): NO, [0-9]+ of 64 results differ" ||
    { echo "FAIL: the broken rounder was not caught by the golden block GEMM check"; exit 1; }
echo "ok: nibble sim checks block-scaled results against nb_block_gemm and catches a broken rounder"
