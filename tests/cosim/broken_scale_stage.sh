#!/bin/sh
# broken_scale_stage.sh NIBBLE WORKDIR [STAGES FILE SED-EXPR [SCALE-ACC]]
# Generates a block-scaled design (mxfp4, 4x4, blocks of 32), breaks the
# round-to-nearest-even rule of its binary32 rounder in a copy (ties round
# up) -- or, with STAGES FILE SED-EXPR, generates it with --scale-stages
# STAGES (and --scale-acc SCALE-ACC when given) and applies SED-EXPR to
# FILE -- and requires the co-simulation regression (Verilator in lock step with
# the C model, results against nb_block_gemm) to fail on the scale stage with
# the first failing cycle. The copy differs from its manifest's content
# hashes, so it runs only with --allow-edited-rtl.
set -u
nibble=$1
work=$2
stages=${3:-2}
file=${4:-nibble_f32_round.v}
expr=${5:-"s/kept\[0\] & ((|below) | m\[0\])/kept[0]/"}
scale_acc=${6:-fp32}
rm -rf "$work"
mkdir -p "$work"
"$nibble" gen --weights mxfp4 --acts mxfp4 --rows 4 --cols 4 --scale-stages "$stages" \
    --scale-acc "$scale_acc" -o "$work/good" >/dev/null || exit 1
cp -r "$work/good" "$work/broken"
sed -i "$expr" "$work/broken/$file"
if cmp -s "$work/good/$file" "$work/broken/$file"; then
    echo "FAIL: could not break the scale stage ($expr changed nothing in $file)"; exit 1
fi
out=$("$nibble" regress --config "$work/broken" --no-systemc --allow-edited-rtl 2>&1)
status=$?
printf '%s\n' "$out"
[ "$status" -eq 1 ] || { echo "FAIL: regress exited $status, expected 1 (a failed check)"; exit 1; }
printf '%s' "$out" | grep -qE "FAIL .* (block|chaos)" ||
    { echo "FAIL: no failing block-scaled or chaos run reported"; exit 1; }
printf '%s' "$out" | grep -qE "first mismatch at cycle [0-9]+" ||
    { echo "FAIL: no first failing cycle reported"; exit 1; }
echo "ok: broken scale stage caught"
