#!/bin/sh
# report_small.sh NIBBLE WORKDIR
# A small report end to end: every output present, the HTML self-contained
# with inline SVG plots, the frontier highlighted and labelled, tables that
# agree with each other; a re-run replaces the report.
set -u
nibble=$1
work=$2
rm -rf "$work"
out="$work/report"
"$nibble" report -o "$out" --formats int4,sf4,e2m1 --overq 1 --blocks '' --rows 2 --cols 2 --no-power -j 2 ||
    { echo "FAIL: report"; exit 1; }
for f in report.html report.md accuracy.csv designs.csv report.json plots/area_vs_sqnr.svg \
         plots/area_vs_sqnr.png plots/weight_sqnr.svg plots/weight_sqnr.png; do
    [ -s "$out/$f" ] || { echo "FAIL: $f missing"; exit 1; }
done
grep -q "<svg" "$out/report.html" || { echo "FAIL: no inline SVG"; exit 1; }
grep -qE "src=\"(http|//)" "$out/report.html" && { echo "FAIL: HTML loads external resources"; exit 1; }
grep -q "Pareto frontier" "$out/plots/area_vs_sqnr.svg" || { echo "FAIL: frontier not in the plot"; exit 1; }
grep -q 'class="front"' "$out/report.html" || { echo "FAIL: frontier rows not highlighted"; exit 1; }
python3 - "$out" <<'PY' || exit 1
import csv, json, sys
out = sys.argv[1]
rep = json.load(open(out + "/report.json"))
designs = list(csv.DictReader(open(out + "/designs.csv")))
assert len(designs) == 4, len(designs)                       # 3 formats x uint4 + overq c1
assert len(rep["designs"]) == 4
front = [d for d in designs if d["front_area"] == "1"]
assert front, "empty frontier"
# the frontier is exactly the non-dominated set, recomputed here
pts = [(float(d["array_area_um2"]), float(d["gemm_sqnr_db"])) for d in designs]
for d, (c, q) in zip(designs, pts):
    dominated = any(c2 <= c and q2 >= q and (c2 < c or q2 > q) for c2, q2 in pts)
    assert (d["front_area"] == "1") == (not dominated), d
labels = open(out + "/plots/area_vs_sqnr_front.dat").read()
for d in front:
    assert d["design"] in labels, "frontier point not labelled: " + d["design"]
acc = list(csv.DictReader(open(out + "/accuracy.csv")))
assert any(a["format"] == "sf4" and a["scaling"] == "group128" for a in acc)
assert any(a["format"] == "sf4" and a["scaling"] == "group128-clip0.9" for a in acc)
# every design's GEMM at each unclipped scaling; the headline figure is groups of 128
gemm = {(a["format"], a["scaling"]): float(a["sqnr_db"]) for a in acc if a["role"] == "gemm"}
for d in designs:
    for sc in ("channel", "group128", "group64", "group32"):
        assert (d["design"], sc) in gemm, (d["design"], sc)
    assert abs(gemm[(d["design"], "group128")] - float(d["gemm_sqnr_db"])) < 1e-4, d["design"]
print("ok: %d designs, frontier %s" % (len(designs), [d["design"] for d in front]))
PY
# the HTML renders in a browser (headless Chromium, installed by the test setup)
if command -v chromium >/dev/null 2>&1; then
    timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --screenshot="$work/report.png" --window-size=1200,2400 "file://$(realpath "$out/report.html")" \
        >"$work/chromium.log" 2>&1
    python3 - "$work/report.png" <<'PY' || exit 1
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
assert (w, h) == (1200, 2400) and len(data) > 50000, (w, h, len(data))
print("ok: headless Chromium rendered the report (%d bytes)" % len(data))
PY
else
    echo "note: chromium not installed, no screenshot"
fi
"$nibble" report -o "$out" --formats int4 --overq "" --blocks "" --rows 2 --cols 2 --no-power -q || { echo "FAIL: re-run"; exit 1; }
[ "$(grep -c . "$out/designs.csv")" -eq 2 ] || { echo "FAIL: re-run did not replace the report"; exit 1; }
ls -d "$out".tmp-* "$out".old-* "$out".nibble-tmp-* 2>/dev/null && { echo "FAIL: temporaries left"; exit 1; }
echo "ok: report complete and consistent"
