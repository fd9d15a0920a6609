#!/bin/sh
# report_blocks.sh NIBBLE WORKDIR [power]
# nibble report --blocks: block-scaled designs beside their software twins,
# every number checked against an independent run: each block design's GEMM
# SQNR (and under every scale rule) and each twin's in groups of the block
# size from `nibble gen` + `nibble sim`, the element formats' E8M0 rule table
# from `nibble quantize` on the same synthetic weights, the stage area from
# the two arrays' rows of synth.csv, the frontier flags recomputed. With
# "power" as third argument the report measures power: the block designs'
# PE+stage energy is checked against the PE and array results it comes from.
set -u
nibble=$1
work=$2
power=${3:-}
rm -rf "$work"
mkdir -p "$work"
out="$work/report"
pw=--no-power
[ "$power" = power ] && pw=
# a real weight tensor whose K (101) is not a multiple of the blocks
python3 - "$work/w.npy" <<'PY'
import random, struct, sys
random.seed(3)
rows, cols = 6, 101
hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
hdr += " " * (63 - (10 + len(hdr)) % 64) + "\n"
vals = [random.gauss(0, 1) for _ in range(rows * cols)]
open(sys.argv[1], "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode() +
                              struct.pack("<%df" % len(vals), *vals))
PY
# nvfp4 and mxfp4 share the twin e2m1 x e2m1, an ordinary design of the
# report (--acts e2m1); sf4 x e2m1 exists only as a twin
"$nibble" report -o "$out" --rows 2 --cols 1 --formats int4,e2m1 --acts int4,e2m1 --overq '' \
    --blocks mxfp4,nvfp4,mx:sf4/e8m0/32@mxfp4 --tensors "$work/w.npy" $pw -j 2 -q >"$work/log" 2>&1 ||
    { tail -20 "$work/log"; echo "FAIL: report --blocks"; exit 1; }
for f in report.html report.md designs.csv accuracy.csv scale_rules.csv report.json; do
    [ -s "$out/$f" ] || { echo "FAIL: $f missing"; exit 1; }
done
grep -q "Block scales in hardware" "$out/report.md" || { echo "FAIL: no block section"; exit 1; }
grep -q "Block scales in hardware" "$out/report.html" || { echo "FAIL: no block section in HTML"; exit 1; }
python3 - "$nibble" "$out" "$work" "$power" <<'PY' || exit 1
import csv, json, math, os, re, subprocess, sys
nibble, out, work, power = sys.argv[1:5]
designs = {d["design"]: d for d in csv.DictReader(open(out + "/designs.csv"))}
rep = json.load(open(out + "/report.json"))
rules = list(csv.DictReader(open(out + "/scale_rules.csv")))
acc = list(csv.DictReader(open(out + "/accuracy.csv")))
block = {"mxfp4 x mxfp4": ("mxfp4", "mxfp4", "e2m1 x e2m1", 32),
         "nvfp4 x nvfp4": ("nvfp4", "nvfp4", "e2m1 x e2m1", 16),
         "mx:sf4/e8m0/32 x mxfp4": ("mx:sf4/e8m0/32", "mxfp4", "sf4 x e2m1", 32)}
expected = {"int4 x int4", "e2m1 x int4", "int4 x e2m1", "e2m1 x e2m1", "sf4 x e2m1"} | set(block)
assert set(designs) == expected, sorted(designs)
for name, d in designs.items():
    assert d["block"] == ("1" if name in block else "0"), name
    assert d["twin_of_block"] == ("1" if name in ("e2m1 x e2m1", "sf4 x e2m1") else "0"), name
jd = {d["design"]: d for d in rep["designs"]}

def sim(w, a, group=None, rule=None):
    """SQNR and MSE of the 64x1024x64 GEMM as nibble sim reports it."""
    key = re.sub(r"[^A-Za-z0-9]+", "_", "%s_%s" % (w, a))
    cfg = os.path.join(work, "gen_" + key)
    if not os.path.exists(cfg):
        subprocess.run([nibble, "gen", "--weights", w, "--acts", a, "--rows", "2", "--cols", "1",
                        "--acc-bits", "24", "-o", cfg], check=True, stdout=subprocess.DEVNULL)
    cmd = [nibble, "sim", "--config", cfg, "--gemm", "64x1024x64", "--dist", "t:5",
           "--act-dist", "relu-t:5", "--seed", "1", "--fast-forward"]
    if group is not None:
        cmd += ["--group", str(group)]
    if rule is not None:
        cmd += ["--scale-rule", rule]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    m = re.search(r"SQNR ([-0-9.]+) dB, MSE ([-0-9.e+]+)", text)
    assert m, text
    return float(m.group(1)), float(m.group(2))

def close(x, y, tol):
    return abs(float(x) - float(y)) <= tol

synth = {}
for sub in ("arrays", "block_arrays"):
    path = "%s/synth/%s/synth.csv" % (out, sub)
    if os.path.exists(path):
        for row in csv.DictReader(open(path)):
            synth[(row["weights"], row["acts"])] = row
for name, (w, a, twin, bs) in block.items():
    d = designs[name]
    assert d["twin_design"] == twin and d["block_size"] == str(bs), d
    # the block design's SQNR: the array's own scale stage, as nibble sim runs it
    q, mse = sim(w, a)
    assert close(d["gemm_sqnr_db"], q, 0.006), (name, d["gemm_sqnr_db"], q)
    # the twin's: the element formats with software scales in groups of the block size
    tw, ta = twin.split(" x ")
    qt, _ = sim(tw, ta, group=bs)
    assert close(d["twin_gemm_sqnr_block_db"], qt, 0.006), (name, d["twin_gemm_sqnr_block_db"], qt)
    assert any(r["role"] == "gemm" and r["format"] == twin and r["scaling"] == "group%d" % bs and
               close(r["sqnr_db"], qt, 0.006) for r in acc), (twin, bs)
    # stage area = block array - twin array, from synth.csv
    ab = float(synth[(w, a)]["area_array_um2"])
    at = float(synth[(tw, ta)]["area_array_um2"])
    assert close(d["array_area_um2"], ab, 1e-3 * ab) and close(d["twin_array_area_um2"], at, 1e-3 * at)
    assert close(d["stage_area_um2"], ab - at, 1e-3 * ab), (name, d["stage_area_um2"], ab - at)
    bj = jd[name]["block_scaled"]
    assert bj["block_size"] == bs and bj["twin"] == twin and abs(bj["stage_area_um2"] - (ab - at)) < 1e-3 * ab
    # every scale rule the scales take; the default's row is the headline
    mine = [r for r in rules if r["kind"] == "gemm" and r["format"] == name]
    want = ["nearest"] if w == "nvfp4" else ["floor", "rceil", "even"]
    assert [r["rule"] for r in mine] == want, (name, mine)
    for r in mine:
        qr, _ = sim(w, a, rule=r["rule"])
        assert close(r["sqnr_db"], qr, 0.006), (name, r["rule"], r["sqnr_db"], qr)
        assert (r["default"] == "1") == (r["rule"] == ("nearest" if w == "nvfp4" else "rceil")), r
        if r["default"] == "1":
            assert close(r["sqnr_db"], d["gemm_sqnr_db"], 1e-4), r
    print("ok: %s %.2f dB (twin %s %.2f dB in groups of %d), stage %+.0f um^2"
          % (name, q, twin, qt, bs, ab - at))
# the real tensor: each block design's GEMM with its weights (K = 101)
real = [t["name"] for t in rep["tensors"][2:]]
assert len(real) == 1, real
for name, (w, a, twin, bs) in block.items():
    row = [r for r in acc if r["tensor"] == real[0] and r["format"] == name and r["role"] == "gemm"]
    assert len(row) == 1 and row[0]["scaling"] == "block%d" % bs and math.isfinite(float(row[0]["sqnr_db"])), (name, row)
# the element formats under E8M0 rules: nibble quantize on the report's
# synthetic weights (256 x 4096, t:5, seed 1)
elems = sorted({r["format"] for r in rules if r["kind"] == "tensor"})
assert elems == ["e2m1", "int4", "sf4"], elems
for e in elems:
    specs = ["mx:%s/e8m0/32/%s" % (e, rule) for rule in ("floor", "rceil", "even")]
    res = json.loads(subprocess.run([nibble, "quantize", "--format", ",".join(specs), "--dist", "t:5",
                                     "--seed", "1", "--rows", "256", "--cols", "4096", "--json"],
                                    check=True, capture_output=True, text=True).stdout)["results"]
    for spec, q in zip(specs, res):
        row = [r for r in rules if r["kind"] == "tensor" and r["format"] == e and r["block_format"] == spec]
        assert len(row) == 1 and close(row[0]["sqnr_db"], q["sqnr_db"], 1e-4), (spec, row, q)
assert len(rep["scale_rules"]) == len(rules)
# floor clips every SF4 block maximum that is not a power of two: it must lose
sf = {r["rule"]: float(r["sqnr_db"]) for r in rules if r["kind"] == "tensor" and r["format"] == "sf4"}
assert sf["floor"] < sf["rceil"] - 1, sf
# frontier flags: exactly the non-dominated designs (area; power and energy when measured)
def front(metric, flag):
    pts = {n: (float(d[metric]), float(d["gemm_sqnr_db"])) for n, d in designs.items() if d[metric]}
    for n, (c, q) in pts.items():
        dom = any(c2 <= c and q2 >= q and (c2 < c or q2 > q) for c2, q2 in pts.values())
        assert (designs[n][flag] == "1") == (not dom), (n, metric)
front("array_area_um2", "front_area")
if power == "power":
    front("energy_per_mac_pj", "front_energy")
    front("power_mw", "front_power")
    pes = {(r["weights"], r["acts"]): r for r in csv.DictReader(open(out + "/synth/pes/synth.csv"))}
    for name, (w, a, twin, bs) in block.items():
        d = designs[name]
        tw, ta = twin.split(" x ")
        assert d["power_of"] == "PE+stage" and designs[twin]["power_of"] == "PE", d
        e = (float(pes[(tw, ta)]["energy_per_mac_pj"]) + float(synth[(w, a)]["energy_per_mac_pj"])
             - float(synth[(tw, ta)]["energy_per_mac_pj"]))
        assert close(d["energy_per_mac_pj"], e, 1e-4 * abs(e)), (name, d["energy_per_mac_pj"], e)
        assert close(designs[twin]["energy_per_mac_pj"], pes[(tw, ta)]["energy_per_mac_pj"], 1e-4)
else:
    assert all(not d["energy_per_mac_pj"] for d in designs.values())
# one finding sentence per block design, and one per element format
md = open(out + "/report.md").read()
for name in block:
    assert re.search(r"- %s \(.*over its software twin" % re.escape(name.replace("_", "\\_")), md), name
for e in elems:
    assert re.search(r"- %s in E8M0 blocks of 32 on .*floor" % e, md), e
print("ok: block designs, twins, scale rules and frontiers check out")
PY
echo "ok: report --blocks"
