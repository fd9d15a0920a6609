#!/bin/sh
# eval_cli.sh NIBBLE MAKE_TINY EXPECT WORKDIR
# nibble eval on a tiny random model: a good run writes its CSV and JSON; bad
# input exits 2 with a clear message, writes nothing and leaves inputs intact.
nibble=$1 make_tiny=$2 expect=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir" || exit 1
"$make_tiny" "$dir" || { echo "FAIL: make_tiny"; exit 1; }
m="$dir/tiny.bin" t="$dir/tok.bin" x="$dir/text.txt"
fail=0
ok() { "$expect" "$@" || fail=1; }
# bad input: status 2, the message, and no output file
bad() {
    pattern=$1
    shift
    rm -f "$dir/out.csv" "$dir/out.json"
    "$expect" 2 "$pattern" "$nibble" eval "$@" --csv "$dir/out.csv" --json "$dir/out.json" || fail=1
    if ls "$dir"/out.csv* "$dir"/out.json* 2>/dev/null | grep -q .; then
        echo "FAIL: output written on bad input"
        fail=1
    fi
}

ok 0 "int4 x int8 g8 4x4 acc32 +[0-9.]+ +[-+][0-9.]+ +[0-9.]+ +[0-9.]+" "$nibble" eval --model "$m" \
    --tokenizer "$t" --text "$x" --weights int4,e2m1 --acts int8 --group channel,8 --rows 4 \
    --cols 4 --csv "$dir/good.csv" --json "$dir/good.json" -q
grep -q '"classifier_quantized": false' "$dir/good.json" || { echo "FAIL: JSON"; fail=1; }
[ "$(wc -l < "$dir/good.csv")" -eq 6 ] || { echo "FAIL: CSV rows"; fail=1; }
grep -qE '^fp32,,,,,,,,false,[0-9.]+,0,0,1,36$' "$dir/good.csv" || { echo "FAIL: CSV fp32 row"; fail=1; }
ok 0 "data .*text.txt: 2 sequences" "$nibble" eval --model "$dir/tiny_v1.bin" --tokenizer "$t" \
    --text "$x" --lines 2 -q
ok 0 "classifier: on the design" "$nibble" eval --model "$m" --tokenizer "$t" --text "$x" \
    --weights nf4 --quantize-classifier -q
ok 0 "ids.npy: 2 sequences, 5 scored tokens" "$nibble" eval --model "$m" --tokens "$dir/ids.npy" -q

bad "truncated.bin: the header .* needs [0-9]+ bytes but the file has" --model "$dir/truncated.bin" \
    --tokenizer "$t" --text "$x"
bad "header_mismatch.bin: the header \(dim 16, hidden 40, 3 layers.* needs" \
    --model "$dir/header_mismatch.bin" --tokenizer "$t" --text "$x"
bad "tok290.bin holds 290 tokens but the model's vocabulary has 300" --model "$m" \
    --tokenizer "$dir/tok290.bin" --text "$x"
bad "token id 300 \(index 2\) is out of the model's vocabulary 0..299" --model "$m" \
    --tokens "$dir/bad_ids.npy"
bad "empty.txt has no non-empty line" --model "$m" --tokenizer "$t" --text "$dir/empty.txt"
bad "--group: 0 is not a group size" --model "$m" --tokenizer "$t" --text "$x" --weights int4 \
    --group 0
bad "the inputs of layer 0 q go negative .* activation format uint4 is unsigned" --model "$m" \
    --tokenizer "$t" --text "$x" --weights int4 --acts uint4
bad "give exactly one of --text F and --tokens F.npy" --model "$m" --tokenizer "$t"
bad "--text needs --tokenizer" --model "$m" --text "$x"

ok 2 "--json /nonexistent/out.json: cannot write into the directory /nonexistent" "$nibble" eval \
    --model "$m" --tokenizer "$t" --text "$x" --json /nonexistent/out.json

# an output that names an input is refused and the input survives
cp "$x" "$dir/text.orig"
ok 2 "--csv .*text.txt is an input of this run: refusing to overwrite it" "$nibble" eval \
    --model "$m" --tokenizer "$t" --text "$x" --csv "$x"
cmp -s "$x" "$dir/text.orig" || { echo "FAIL: the input text changed"; fail=1; }
[ $fail -eq 0 ] && echo "ok: eval command line"
exit $fail
