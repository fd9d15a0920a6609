#!/bin/sh
# broken_decoder.sh NIBBLE WORKDIR
# Generates a design, flips one entry of the SF4 decoder ROM in a copy, and
# requires the regression to fail on it with the first failing cycle, the
# failing PE and its operands, and a waveform file on disk. The copy differs
# from its manifest's content hashes, so it runs only with --allow-edited-rtl.
set -u
nibble=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
"$nibble" gen --weights sf4,e2m1 --acts int4,e2m1 --rows 4 --cols 4 -o "$work/good" >/dev/null || exit 1
cp -r "$work/good" "$work/broken"
# code 0101 of SF4 decodes to -39/256; make it -38/256
sed -i "s/4'd5: mant_o = -10'sd39;/4'd5: mant_o = -10'sd38;/" "$work/broken/nibble_dec_sf4.v"
if cmp -s "$work/good/nibble_dec_sf4.v" "$work/broken/nibble_dec_sf4.v"; then
    echo "FAIL: could not break the decoder (ROM entry not found)"; exit 1
fi
out=$("$nibble" regress --config "$work/broken" --no-systemc --waves "$work/waves" --allow-edited-rtl 2>&1)
status=$?
printf '%s\n' "$out"
[ "$status" -eq 1 ] || { echo "FAIL: regress exited $status, expected 1 (a failed check)"; exit 1; }
printf '%s' "$out" | grep -qE "first mismatch at cycle [0-9]+, column [0-9]+" ||
    { echo "FAIL: no first failing cycle reported"; exit 1; }
printf '%s' "$out" | grep -qE "first failing PE\([0-9]+, [0-9]+\) at cycle [0-9]+: weight code 5 \(sf4\)" ||
    { echo "FAIL: the failing PE and its operands were not reported"; exit 1; }
wave=$(printf '%s' "$out" | sed -n 's/^  waveform: //p' | head -1)
[ -s "$wave" ] || { echo "FAIL: waveform '$wave' was not written"; exit 1; }
grep -q "u_pe" "$wave" || { echo "FAIL: waveform lacks PE signals"; exit 1; }
# the unbroken design passes the same regression
"$nibble" regress --config "$work/good" --no-systemc >/dev/null ||
    { echo "FAIL: the intact design does not pass"; exit 1; }
echo "ok: broken decoder caught, PE localized, waveform at $wave"
