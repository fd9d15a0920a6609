#!/bin/sh
# eval_backend_cli.sh NIBBLE MAKE_TINY EXPECT WORKDIR
# nibble eval --backend verilator on a tiny random model: the linear layers run
# on the Verilated RTL of a 4x4 design (generated and built on the fly, cached)
# and give exactly the table of the fast backend; the progress line still runs.
nibble=$1 make_tiny=$2 expect=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir" || exit 1
"$make_tiny" "$dir" || { echo "FAIL: make_tiny"; exit 1; }
m="$dir/tiny.bin" t="$dir/tok.bin" x="$dir/text.txt"
fail=0
for b in fast verilator c; do
    "$expect" 0 "partial sums: $b backend" "$nibble" eval --model "$m" --tokenizer "$t" \
        --text "$x" --lines 2 --weights int4,e2m1 --acts int8 --group channel,8 --rows 4 --cols 4 \
        --backend $b --csv "$dir/$b.csv" --json "$dir/$b.json" 2>&1 > "$dir/$b.out" || fail=1
    cat "$dir/$b.out"
done
# the progress line (stderr) with the RTL in the loop
grep -qE "eval: 2/2 sequences, [0-9]+ tokens/s, ETA [0-9]+ s" "$dir/verilator.out" ||
    { echo "FAIL: no progress line with --backend verilator"; fail=1; }
grep -q '"backend": "verilator"' "$dir/verilator.json" || { echo "FAIL: JSON backend"; fail=1; }
# the same numbers: every column but the timing ones (CSV has none)
for b in verilator c; do
    cmp -s "$dir/fast.csv" "$dir/$b.csv" || { echo "FAIL: --backend $b gives another table"; diff "$dir/fast.csv" "$dir/$b.csv"; fail=1; }
done
# the design written for the RTL was removed
ls "${NIBBLE_CACHE_DIR:-/nonexistent}/eval" 2>/dev/null | grep -q design- &&
    { echo "FAIL: a temporary design directory was left in the cache"; fail=1; }
[ $fail -eq 0 ] && echo "ok: eval --backend"
exit $fail
