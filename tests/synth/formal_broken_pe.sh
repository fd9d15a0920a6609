#!/bin/sh
# formal_broken_pe.sh NIBBLE WORKDIR
# The formal check covers the generated PE, not only its decoders: an intact
# 1x1 design is proved; a copy whose nibble_pe.v adds 1 to the product is
# disproved (exit 1) by the datapath proof, with a counterexample; a pipelined
# copy whose accumulate reads the product before its pipeline register is
# disproved by the timing proof. The broken copies run with --allow-edited-rtl
# (their Verilog no longer matches the manifest's content hashes).
set -u
nibble=$1
work=$2
rm -rf "$work"
"$nibble" gen --weights sf4,e2m1-sr --acts int4 --rows 1 --cols 1 -o "$work/good" >/dev/null || exit 1
"$nibble" formal --config "$work/good" || { echo "FAIL: the intact design was not proved"; exit 1; }

# the multiply: product + 1 (the decoders stay intact)
cp -r "$work/good" "$work/broken"
rm -rf "$work/broken/formal"
sed -i "s/assign product = w_mant \* a_mant;/assign product = w_mant * a_mant + 1'b1;/" "$work/broken/nibble_pe.v"
cmp -s "$work/good/nibble_pe.v" "$work/broken/nibble_pe.v" && { echo "FAIL: could not break the PE"; exit 1; }
out=$("$nibble" formal --config "$work/broken" --allow-edited-rtl 2>&1)
status=$?
printf '%s\n' "$out"
[ "$status" -eq 1 ] || { echo "FAIL: exit status $status, expected 1"; exit 1; }
printf '%s' "$out" | grep -qE "sf4 +x int4 +DISPROVED" || { echo "FAIL: sf4 x int4 not disproved"; exit 1; }
printf '%s' "$out" | grep -qE "e2m1-sr +x int4 +DISPROVED" || { echo "FAIL: e2m1-sr x int4 not disproved"; exit 1; }
printf '%s' "$out" | grep -qE "^ +datapath:" || { echo "FAIL: not the datapath proof"; exit 1; }
printf '%s' "$out" | grep -qE "dec_ok_o +1$" || { echo "FAIL: the intact decoders were blamed"; exit 1; }
printf '%s' "$out" | grep -qE "pe_ok_o +0$" || { echo "FAIL: counterexample does not blame the PE"; exit 1; }
printf '%s' "$out" | grep -qE "w_code_i +-?[0-9]+$" || { echo "FAIL: counterexample lacks the weight code"; exit 1; }
printf '%s' "$out" | grep -qE "a_code_i +-?[0-9]+$" || { echo "FAIL: counterexample lacks the activation code"; exit 1; }

# pipeline 1: the accumulate bypasses the product register (right values, wrong cycle)
"$nibble" gen --weights sf4 --acts int4 --pipeline 1 --rows 1 --cols 1 -o "$work/p1" >/dev/null || exit 1
"$nibble" formal --config "$work/p1" || { echo "FAIL: the intact pipelined design was not proved"; exit 1; }
cp -r "$work/p1" "$work/p1_broken"
rm -rf "$work/p1_broken/formal"
sed -i 's/{{\([0-9]*\){product_q\[\([0-9]*\)\]}}, product_q}/{{\1{product[\2]}}, product}/' "$work/p1_broken/nibble_pe.v"
cmp -s "$work/p1/nibble_pe.v" "$work/p1_broken/nibble_pe.v" && { echo "FAIL: could not break the pipeline"; exit 1; }
out=$("$nibble" formal --config "$work/p1_broken" --allow-edited-rtl 2>&1)
status=$?
printf '%s\n' "$out"
[ "$status" -eq 1 ] || { echo "FAIL: exit status $status, expected 1 (pipeline)"; exit 1; }
printf '%s' "$out" | grep -qE "sf4 +x int4 +DISPROVED" || { echo "FAIL: pipelined sf4 x int4 not disproved"; exit 1; }
printf '%s' "$out" | grep -qE "^ +timing:" || { echo "FAIL: not the timing proof"; exit 1; }
echo "ok: intact PEs proved, broken multiply and broken pipeline disproved with counterexamples"
