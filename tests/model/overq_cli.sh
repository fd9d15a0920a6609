#!/bin/sh
# overq_cli.sh NIBBLE MAKE_TINY EXPECT WORKDIR
# nibble eval --overq-stats on a tiny random model: a good run prints the
# per-layer tables and writes CSV and JSON; bad input exits 2 with a clear
# message and writes nothing.
nibble=$1 make_tiny=$2 expect=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir" || exit 1
"$make_tiny" "$dir" || { echo "FAIL: make_tiny"; exit 1; }
m="$dir/tiny.bin" t="$dir/tok.bin" x="$dir/text.txt"
fail=0
ok() { "$expect" "$@" || fail=1; }
bad() {
    pattern=$1
    shift
    rm -f "$dir/out.csv" "$dir/out.json"
    "$expect" 2 "$pattern" "$nibble" eval --overq-stats "$@" --csv "$dir/out.csv" \
        --json "$dir/out.json" || fail=1
    if ls "$dir"/out.csv* "$dir"/out.json* 2>/dev/null | grep -q .; then
        echo "FAIL: output written on bad input"
        fail=1
    fi
}

# rows: every layer's four inputs, the totals, the classifier; both OverQ views
ok 0 "layer 1 down +40 +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$" "$nibble" eval --overq-stats \
    --model "$m" --tokenizer "$t" --text "$x" --acts int4,e2m1,uint4 --rows 4 \
    --csv "$dir/oq.csv" --json "$dir/oq.json" -q
ok 0 "all 2 layers gate,up .*\|( +([0-9.]+|-)){5}$" "$nibble" eval --overq-stats --model "$m" \
    --tokenizer "$t" --text "$x" -q
ok 0 "OverQ on the magnitudes" "$nibble" eval --overq-stats --model "$m" --tokens "$dir/ids.npy" -q
ok 0 "down +[0-9.]+ +[-+][0-9.]+ +[0-9.]+ +[0-9.]+" "$nibble" eval --overq-stats --model "$m" \
    --tokenizer "$t" --text "$x" -q
ok 0 "unchanged with the probe" "$nibble" eval --overq-stats --model "$m" --tokenizer "$t" \
    --text "$x" -q
# 2 layers x 4 inputs + 4 totals + classifier, and the header
[ "$(wc -l < "$dir/oq.csv")" -eq 14 ] || { echo "FAIL: CSV rows"; fail=1; }
head -1 "$dir/oq.csv" | grep -q '^layer,input,K,tokens,elements,float_zero_fraction,negative_fraction,min,max,zero_codes_int4,zero_codes_e2m1,zero_codes_uint4,relu_zero_fraction,' ||
    { echo "FAIL: CSV header"; fail=1; }
grep -qE '^all,"down",40,[0-9]+,' "$dir/oq.csv" || { echo "FAIL: CSV total row"; fail=1; }
grep -q '"coverage_tiled"' "$dir/oq.json" && grep -q '"tile": 4' "$dir/oq.json" &&
    grep -q '"inputs_relu": "down"' "$dir/oq.json" ||
    { echo "FAIL: JSON"; fail=1; }

bad "--overq-stats measures the float32 model's activations: drop --weights" --model "$m" \
    --tokenizer "$t" --text "$x" --weights int4
bad "overq is not counted as a plain activation format" --model "$m" --tokenizer "$t" \
    --text "$x" --acts int8,overq
bad "unknown format 'int5'" --model "$m" --tokenizer "$t" --text "$x" --acts int5
bad "empty.txt has no non-empty line" --model "$m" --tokenizer "$t" --text "$dir/empty.txt"
exit $fail
