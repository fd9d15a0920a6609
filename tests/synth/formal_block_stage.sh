#!/bin/sh
# formal_block_stage.sh NIBBLE WORKDIR [all]
# The formal check of a block-scaled design's scale stage (flows/README.md,
# "Formal check"). On 1x1 mxfp4 designs: deliberately broken copies (run with
# --allow-edited-rtl, as their Verilog no longer matches the manifest) are
# disproved, each by the obligation meant for it, with a counterexample:
#   - the rounder's ties round up instead of to even: round-add;
#   - the E8M0 bias off by one in nibble_scale_prod: term, while the rounder
#     itself is still proved (the blame lands on the right module);
#   - an exact zero sum of the addition takes the sign of either operand
#     (-0 + +0 = -0): add-zero, while add-comm still holds;
#   - --scale-stages 5 with the valid bit one register short, and with a
#     data register skipped (the sum's exponent taken before its register):
#     pipeline.
# With "all" the intact designs (--scale-stages 2 and 5) must also pass every
# obligation (about 1-2 minutes each; the ctest label `full`); without it the
# intact designs run the quick obligations only.
set -u
nibble=$1
work=$2
mode=${3:-quick}
rm -rf "$work"
mkdir -p "$work"
gen() { "$nibble" gen --weights mxfp4 --acts mxfp4 --rows 1 --cols 1 "$@" >/dev/null || exit 1; }
gen --scale-stages 2 -o "$work/s2"
gen --scale-stages 5 -o "$work/s5"

# bad --stage lists: exit 2, the reason, nothing written
out=$("$nibble" formal --config "$work/s2" --stage term,bogus 2>&1)
status=$?
[ "$status" -eq 2 ] || { echo "FAIL: --stage bogus: exit $status, expected 2"; exit 1; }
printf '%s' "$out" | grep -q "unknown scale-stage obligation 'bogus': the names are round-term," ||
    { echo "FAIL: --stage bogus: message: $out"; exit 1; }
[ ! -e "$work/s2/formal" ] || { echo "FAIL: --stage bogus wrote $work/s2/formal"; exit 1; }
"$nibble" gen --weights e2m1 --acts int4 --rows 1 --cols 1 -o "$work/int" >/dev/null || exit 1
out=$("$nibble" formal --config "$work/int" --stage term 2>&1)
status=$?
[ "$status" -eq 2 ] || { echo "FAIL: --stage on an integer design: exit $status, expected 2"; exit 1; }
printf '%s' "$out" | grep -q "is not block-scaled, so it has no scale stage to prove" ||
    { echo "FAIL: --stage on an integer design: message: $out"; exit 1; }
[ ! -e "$work/int/formal" ] || { echo "FAIL: --stage on an integer design wrote its work directory"; exit 1; }

# a fixed-point accumulator design: its stage is not among the proofs; said,
# and --stage refused
gen --scale-acc fixed -o "$work/fixed"
out=$("$nibble" formal --config "$work/fixed" --stage term 2>&1)
status=$?
[ "$status" -eq 2 ] || { echo "FAIL: --stage on a fixed-point design: exit $status, expected 2"; exit 1; }
printf '%s' "$out" | grep -q "has the fixed-point accumulator (--scale-acc fixed), whose stage these proofs do not cover" ||
    { echo "FAIL: --stage on a fixed-point design: message: $out"; exit 1; }
[ ! -e "$work/fixed/formal" ] || { echo "FAIL: --stage on a fixed-point design wrote its work directory"; exit 1; }
out=$("$nibble" formal --config "$work/fixed" 2>&1)
status=$?
[ "$status" -eq 0 ] || { echo "FAIL: fixed-point design: exit $status: $out"; exit 1; }
printf '%s' "$out" | grep -q "the fixed-point accumulator is not proved here" ||
    { echo "FAIL: fixed-point design: the unproved stage is not said: $out"; exit 1; }

# intact designs
if [ "$mode" = all ]; then
    for s in s2 s5; do
        out=$("$nibble" formal --config "$work/$s" 2>&1)
        status=$?
        printf '%s\n' "$out"
        [ "$status" -eq 0 ] || { echo "FAIL: intact $s not proved (exit $status)"; exit 1; }
        printf '%s' "$out" | grep -q "8 of 8 scale-stage obligations proved" ||
            { echo "FAIL: intact $s: not every obligation ran and held"; exit 1; }
    done
else
    out=$("$nibble" formal --config "$work/s2" --stage term,pipeline 2>&1)
    status=$?
    printf '%s\n' "$out"
    [ "$status" -eq 0 ] || { echo "FAIL: intact s2 not proved (exit $status)"; exit 1; }
    out=$("$nibble" formal --config "$work/s5" --stage pipeline 2>&1)
    status=$?
    printf '%s\n' "$out"
    [ "$status" -eq 0 ] || { echo "FAIL: intact s5 pipeline not proved (exit $status)"; exit 1; }
fi

# broken NAME FROM FILE SED STAGES DISPROVED... [-- PROVED...]: a copy of
# design FROM with SED applied to FILE; --stage STAGES must exit 1 with each
# DISPROVED obligation disproved (and a counterexample) and each PROVED proved.
broken() {
    name=$1 from=$2 file=$3 expr=$4 stages=$5
    shift 5
    cp -r "$work/$from" "$work/$name"
    rm -rf "$work/$name/formal"
    sed -i "$expr" "$work/$name/$file"
    cmp -s "$work/$from/$file" "$work/$name/$file" &&
        { echo "FAIL: $name: '$expr' changed nothing in $file"; exit 1; }
    out=$("$nibble" formal --config "$work/$name" --allow-edited-rtl --stage "$stages" 2>&1)
    status=$?
    printf '%s\n' "$out"
    [ "$status" -eq 1 ] || { echo "FAIL: $name: exit status $status, expected 1"; exit 1; }
    want=DISPROVED
    for ob in "$@"; do
        if [ "$ob" = -- ]; then want=proved; continue; fi
        printf '%s' "$out" | grep -qE "^ +$ob +$want " ||
            { echo "FAIL: $name: $ob not $want"; exit 1; }
    done
    printf '%s' "$out" | grep -q "counterexample (Yosys model):" ||
        { echo "FAIL: $name: no counterexample"; exit 1; }
}

broken ties s2 nibble_f32_round.v "s/kept\[0\] & ((|below) | m\[0\])/kept[0]/" round-add round-add
printf '%s' "$out" | grep -qE "^ +mag_i +0x[0-9a-f]+$" || { echo "FAIL: ties: no rounder input shown"; exit 1; }
broken bias s2 nibble_scale_prod.v "s/- 14'sd127/- 14'sd126/" round-term,term term -- round-term
printf '%s' "$out" | grep -qE "^ +w_scale_i +0x[0-9a-f]+$" || { echo "FAIL: bias: no scale code shown"; exit 1; }
broken zero_sign s2 nibble_f32_add_sum.v "s/? (x_sign_i & y_sign_i) : x_sign_i/? (x_sign_i | y_sign_i) : x_sign_i/" \
    add-comm,add-zero add-zero -- add-comm
broken valid_early s5 nibble_top.v "s/sum_valid_q      <= sum_fire;/sum_valid_q      <= add_fire;/" \
    pipeline pipeline
broken data_early s5 nibble_top.v "s/as_exp_q <= al_exp_q;/as_exp_q <= add_exp;/" pipeline pipeline
echo "ok: the scale stage's obligations hold on intact designs and catch each broken copy"
