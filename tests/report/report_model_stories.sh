#!/bin/sh
# report_model_stories.sh NIBBLE SHARED WORKDIR
# nibble report --model on llama2.c's stories260K (../shared; skipped, exit 77,
# when absent) with power, so that both perplexity plots exist: a small
# design set on 50 lines of the TinyStories excerpt.
set -u
nibble=$1
shared=$2
work=$3
for f in models/stories260K.bin models/tok512.bin data/tinystories_val.txt; do
    [ -f "$shared/$f" ] || { echo "SKIP: $shared/$f is absent (shared reference data)"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work"
out="$work/report"
"$nibble" report -o "$out" --formats int4,nf4 --acts int8 --overq "" --blocks "" --rows 2 --cols 2 -j 2 \
    --model "$shared/models/stories260K.bin" --tokenizer "$shared/models/tok512.bin" \
    --text "$shared/data/tinystories_val.txt" --lines 50 >"$work/log" 2>&1 ||
    { tail -20 "$work/log"; echo "FAIL: report --model stories260K"; exit 1; }
for f in plots/area_vs_ppl.svg plots/energy_vs_ppl.svg plots/energy_vs_ppl.png model.csv; do
    [ -s "$out/$f" ] || { echo "FAIL: $f missing"; exit 1; }
done
python3 - "$out" <<'PY' || exit 1
import csv, json, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(out + "/model.csv")))
assert [r["design"] for r in rows] == ["fp32", "int4 x int8", "nf4 x int8"], rows
fp32 = float(rows[0]["perplexity"])
assert 3 < fp32 < 8, fp32                 # stories260K on TinyStories: about 4.2 on 200 lines
for r in rows[1:]:
    p = float(r["perplexity"])
    assert fp32 * 0.9 < p < fp32 * 2, r    # 4-bit weights, 8-bit activations: a small loss
    assert float(r["energy_per_mac_pj"]) > 0 and float(r["top1_agreement"]) > 0.5, r
    assert int(r["scored_tokens"]) > 1000, r
assert any(r["front_energy"] == "1" for r in rows[1:])
rep = json.load(open(out + "/report.json"))
assert rep["model_accuracy"]["sequences"] == 50
print("ok: stories260K fp32 %.4f, %s" % (fp32, [(r["design"], r["perplexity"]) for r in rows[1:]]))
PY
grep -q "orders the designs as GEMM SQNR does for [01] of 1 pairs" "$out/report.md" ||
    { echo "FAIL: no ordering finding"; exit 1; }
echo "ok: report --model stories260K"
