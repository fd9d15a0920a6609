#!/bin/sh
# report_model.sh NIBBLE NIBBLE_ASAN MAKE_TINY WORKDIR
# nibble report --model on a tiny random llama (written by the model tests'
# make_tiny) and the smallest design set: the Model accuracy section, its
# table rows, model.csv, report.json's model_accuracy and the perplexity
# plots; designs the model cannot run are listed with the reason; bad model
# input exits 2 before any work and leaves no report directory.
set -u
nibble=$1
asan=$2
make_tiny=$3
work=$4
expect=$(dirname "$0")/../cli/expect.sh
rm -rf "$work"
mkdir -p "$work/fx" || exit 1
"$make_tiny" "$work/fx" || { echo "FAIL: make_tiny"; exit 1; }
m="$work/fx/tiny.bin" t="$work/fx/tok.bin" x="$work/fx/text.txt"
fail=0
out="$work/report"
"$nibble" report -o "$out" --formats int4 --acts int8,uint4 --overq 1 --blocks "" --rows 2 --cols 2 --no-power \
    -j 2 --model "$m" --tokenizer "$t" --text "$x" --lines 3 --model-group channel,8 \
    >"$work/log" 2>&1 || { cat "$work/log"; echo "FAIL: report --model"; exit 1; }
grep -qE "\[report\] model accuracy: 3 designs x 2 weight scalings on 3 sequences" "$work/log" ||
    { echo "FAIL: no model progress line"; fail=1; }
grep -qE "eval: 3/3 sequences, [0-9]+ tokens/s, ETA [0-9]+ s" "$work/log" ||
    { echo "FAIL: no evaluation progress line"; fail=1; }
for f in model.csv plots/area_vs_ppl.svg plots/area_vs_ppl.png plots/area_vs_sqnr.svg; do
    [ -s "$out/$f" ] || { echo "FAIL: $f missing"; fail=1; }
done
# no power measured: no energy plot, as for the GEMM-SQNR energy plot
[ -e "$out/plots/energy_vs_ppl.svg" ] && { echo "FAIL: energy plot without power"; fail=1; }
grep -q "Pareto frontier" "$out/plots/area_vs_ppl.svg" || { echo "FAIL: frontier not in the plot"; fail=1; }
for doc in report.md report.html; do
    grep -q "Model accuracy" "$out/$doc" || { echo "FAIL: no Model accuracy section in $doc"; fail=1; }
    grep -q "area_vs_ppl.svg" "$out/$doc" || { echo "FAIL: no perplexity plot in $doc"; fail=1; }
done
grep -qE '^\| fp32 \| - \| - \| - \| [0-9.]+ \| 0 \|' "$out/report.md" || { echo "FAIL: fp32 row"; fail=1; }
grep -qE '^\| (\*\*)?int4 x int8(\*\*)? \| int4 \| int8 \| groups of 8 \| [0-9.]+ \| [-+][0-9.]+ \|' \
    "$out/report.md" || { echo "FAIL: int4 x int8 row"; fail=1; }
grep -qE '^\| int4 x uint4 \| int4 \| uint4 \| per channel \| - \| .*not run: the inputs of layer 0 q go negative' \
    "$out/report.md" || { echo "FAIL: the uint4 design is not listed as not run"; fail=1; }
grep -q "Model accuracy on .*tiny.bin (3 sequences" "$out/report.md" || { echo "FAIL: findings"; fail=1; }
grep -q "Not run on the model (4 of 6 rows): int4 x uint4; int4 x overq c1;" "$out/report.md" ||
    { echo "FAIL: findings on designs not run"; fail=1; }
python3 - "$out" <<'PY' || fail=1
import csv, json, math, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(out + "/model.csv")))
assert len(rows) == 7, len(rows)              # fp32 + 3 designs x 2 scalings
assert rows[0]["design"] == "fp32"
fp32 = float(rows[0]["perplexity"])
ran = [r for r in rows[1:] if r["perplexity"]]
assert [(r["design"], r["weight_scaling"]) for r in ran] == \
    [("int4 x int8", "channel"), ("int4 x int8", "g8")], ran
for r in ran:
    assert abs(float(r["delta_perplexity"]) - (float(r["perplexity"]) - fp32)) < 1e-5, r
    assert 0 <= float(r["mean_kl"]) and 0 <= float(r["top1_agreement"]) <= 1, r
    assert r["scored_tokens"] == rows[0]["scored_tokens"] and not r["note"], r
    assert float(r["array_area_um2"]) > 0 and r["energy_per_mac_pj"] == "", r
for r in rows[1:]:
    if not r["perplexity"]:
        assert r["note"] and r["front_area"] == "0", r
# the frontier of area against perplexity, recomputed
pts = [(float(r["array_area_um2"]), float(r["perplexity"])) for r in ran]
for r, (c, p) in zip(ran, pts):
    dominated = any(c2 <= c and p2 <= p and (c2 < c or p2 < p) for c2, p2 in pts)
    assert (r["front_area"] == "1") == (not dominated), r
rep = json.load(open(out + "/report.json"))
ma = rep["model_accuracy"]
assert ma["sequences"] == 3 and ma["weight_scalings"] == ["channel", "g8"], ma
assert ma["classifier_quantized"] is False and ma["config"]["vocab_size"] == 300
assert abs(ma["fp32"]["perplexity"] - fp32) < 1e-4
assert len(ma["rows"]) == 6
for j, c in zip(ma["rows"], rows[1:]):
    assert j["design"] == c["design"] and j["ran"] == bool(c["perplexity"]), (j, c)
    if j["ran"]:
        assert abs(j["perplexity"] - float(c["perplexity"])) < 1e-4
    else:
        assert j["perplexity"] is None and "note" in j
assert "Model accuracy on" in rep["findings"]
front = open(out + "/plots/area_vs_ppl_front.dat").read()
for r in ran:
    if r["front_area"] == "1":
        assert r["design"] in front, r
print("ok: model section, %d rows, fp32 perplexity %.3f" % (len(rows) - 1, fp32))
PY

# bad model input: status 2, the message, no report directory (checked before any work)
bad() {
    pattern=$1
    shift
    rm -rf "$work/bad"
    "$expect" 2 "$pattern" "$asan" report -o "$work/bad" --no-power -q "$@" || fail=1
    if ls -d "$work/bad" "$work"/bad.tmp-* "$work"/bad.nibble-tmp-* 2>/dev/null | grep -q .; then
        echo "FAIL: a report directory was left for: $*"; fail=1
    fi
}
bad "--text needs --model M" --text "$x"
bad "--tokenizer needs --model M" --tokenizer "$t"
bad "--lines needs --model M" --lines 3
bad "--model-group needs --model M" --model-group 32
bad "--text needs --tokenizer T" --model "$m" --text "$x"
bad "give exactly one of --text F and --tokens F.npy" --model "$m" --tokenizer "$t"
bad "give exactly one of --text F and --tokens F.npy" --model "$m" --tokenizer "$t" --text "$x" \
    --tokens "$work/fx/ids.npy"
bad "truncated.bin: the header .* needs [0-9]+ bytes but the file has" --model "$work/fx/truncated.bin" \
    --tokenizer "$t" --text "$x"
bad "tok290.bin holds 290 tokens but the model's vocabulary has 300" --model "$m" \
    --tokenizer "$work/fx/tok290.bin" --text "$x"
bad "empty.txt has no non-empty line" --model "$m" --tokenizer "$t" --text "$work/fx/empty.txt"
bad "token id 300 \(index 2\) is out of the model's vocabulary" --model "$m" --tokens "$work/fx/bad_ids.npy"
bad "--model-group: 0 is not a group size" --model "$m" --tokenizer "$t" --text "$x" --model-group 0
bad "--lines: 0 is out of range" --model "$m" --tokenizer "$t" --text "$x" --lines 0
[ "$fail" -eq 0 ] && echo "ok: report --model"
exit $fail
