#!/bin/sh
# formal_broken_decoder.sh NIBBLE WORKDIR
# The formal check proves an intact design and disproves a copy with one SF4
# decoder entry flipped, naming the pair and a counterexample with that code.
# The edited copy no longer matches its manifest's content hashes: without
# --allow-edited-rtl it is refused (exit 2, naming the file); with it, the
# check runs after a warning.
set -u
nibble=$1
work=$2
rm -rf "$work"
"$nibble" gen --weights sf4,e2m1-sr,int4 --acts int4,e2m1 --rows 2 --cols 2 -o "$work/good" >/dev/null || exit 1
"$nibble" formal --config "$work/good" || { echo "FAIL: the intact design was not proved"; exit 1; }
cp -r "$work/good" "$work/broken"
rm -rf "$work/broken/formal"
sed -i "s/4'd5: mant_o = -10'sd39;/4'd5: mant_o = -10'sd38;/" "$work/broken/nibble_dec_sf4.v"
cmp -s "$work/good/nibble_dec_sf4.v" "$work/broken/nibble_dec_sf4.v" && { echo "FAIL: could not break the decoder"; exit 1; }
out=$("$nibble" formal --config "$work/broken" 2>&1)
status=$?
[ "$status" -eq 2 ] || { echo "FAIL: edited RTL ran without --allow-edited-rtl (exit $status)"; exit 1; }
printf '%s' "$out" | grep -q "design file $work/broken/nibble_dec_sf4.v differs from the file 'nibble gen' wrote" ||
    { echo "FAIL: the refusal does not name the edited file: $out"; exit 1; }
out=$("$nibble" formal --config "$work/broken" --allow-edited-rtl 2>&1)
status=$?
printf '%s' "$out" | grep -q "warning: $work/broken/nibble_dec_sf4.v differs" ||
    { echo "FAIL: no warning about the edited file"; exit 1; }
printf '%s\n' "$out"
[ "$status" -eq 1 ] || { echo "FAIL: exit status $status, expected 1"; exit 1; }
printf '%s' "$out" | grep -qE "sf4 +x int4 +DISPROVED" || { echo "FAIL: sf4 x int4 not disproved"; exit 1; }
printf '%s' "$out" | grep -qE "w_code_i +5$" || { echo "FAIL: counterexample lacks weight code 5"; exit 1; }
printf '%s' "$out" | grep -qE "e2m1-sr +x int4 +proved" || { echo "FAIL: an intact pair was not proved"; exit 1; }
echo "ok: intact design proved, broken decoder disproved with a counterexample"
