#!/bin/sh
# broken_exmy_decoder.sh NIBBLE WORKDIR
# Generates a 1x1 design with an OCP E4M3 weight decoder (fp:e4m3:special=fn),
# breaks its NaN row in a copy (mantissa 110 instead of 111 becomes the NaN, so
# 448 decodes to 0 and the NaN code to 480), and requires the exhaustive PE
# check to fail on a weight code of that row. The intact design must pass.
set -u
nibble=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
"$nibble" gen --weights fp:e4m3:special=fn --acts int:3 --rows 1 --cols 1 -o "$work/good" >/dev/null || exit 1
cp -r "$work/good" "$work/broken"
dec=nibble_dec_fp_e4m3_special_fn.v
sed -i "s/(mantissa != 3'd7) ?/(mantissa != 3'd6) ?/" "$work/broken/$dec"
if cmp -s "$work/good/$dec" "$work/broken/$dec"; then
    echo "FAIL: could not break the decoder (NaN row not found)"; exit 1
fi
out=$("$nibble" regress --config "$work/broken" --no-systemc --waves "$work/waves" --allow-edited-rtl 2>&1)
status=$?
printf '%s\n' "$out"
[ "$status" -eq 1 ] || { echo "FAIL: regress exited $status, expected 1 (a failed check)"; exit 1; }
printf '%s' "$out" | grep -qE "first failing PE\(0, 0\) at cycle [0-9]+: weight code 12[67] \(fp:e4m3:special=fn\)" ||
    { echo "FAIL: the failing PE and its weight code (126 or 127) were not reported"; exit 1; }
"$nibble" regress --config "$work/good" --no-systemc >/dev/null ||
    { echo "FAIL: the intact design does not pass"; exit 1; }
echo "ok: broken fp:e4m3:special=fn decoder caught"
