#!/bin/sh
# report_libraries.sh NIBBLE WORKDIR SOURCE_DIR NIBBLE_ASAN
# nibble report --library: a second library that works anywhere is OSU 0.18
# with every cell area doubled and its library renamed (a test
# libraries.json in a data directory that links the real one), so the
# expected figures are known: the same mapping, hence PE areas exactly twice,
# the same fmax and energy per MAC. Checks the side-by-side table, plot,
# section and findings (the paper's ordering and its overheads recomputed
# from the table), the provenance of each row, that the first library drives
# the report (the other order doubles every array area), and bad --library
# lists (exit 2, nothing written).
set -u
nibble=$1
work=$2
src=$3
nibble_asan=$4
expect=$(dirname "$0")/../cli/expect.sh
osu=/usr/share/qflow/tech/osu018/osu018_stdcells.lib
rm -rf "$work"
mkdir -p "$work/data/constraints"
command -v xxhsum >/dev/null || { echo "FAIL: xxhsum missing: install Debian's xxhash (flows/setup.sh test does)"; exit 1; }
for d in "$src"/*; do
    [ "$(basename "$d")" = constraints ] || ln -s "$d" "$work/data/"
done
ln -s "$src/constraints/clock.sdc.in" "$work/data/constraints/"
python3 - "$osu" "$work/double.lib" "$work/data/constraints/libraries.json" <<'PY' || exit 1
import json, re, sys
osu, double, libs = sys.argv[1:]
t = open(osu).read()
t = re.sub(r"^(\s*library\s*\()\s*osu018_stdcells\s*\)", r"\1osu018_double)", t, count=1, flags=re.M)
t = re.sub(r"(\barea\s*:\s*)([0-9.eE+-]+)", lambda m: m.group(1) + repr(2 * float(m.group(2))), t)
open(double, "w").write(t)
json.dump({"default": "osu018", "libraries": {
    "osu018": {"liberty": osu, "clock_ns": 10.0, "input_slew_ns": 0.1},
    "osu018x2": {"liberty": double, "clock_ns": 10.0, "input_slew_ns": 0.1}}}, open(libs, "w"))
PY
export NIBBLE_DATA_DIR="$work/data"
fail=0
bad() { # bad PATTERN ARGS...: exit 2, no report directory
    pattern=$1
    shift
    "$expect" 2 "$pattern" "$nibble_asan" report -o "$work/bad" --no-power -q "$@" || fail=1
    if ls -d "$work/bad" "$work"/bad.tmp-* "$work"/bad.nibble-tmp-* 2>/dev/null | grep -q .; then
        echo "FAIL: a report directory was left for: $*"; fail=1
    fi
}
bad "--library nope: no library named 'nope'" --library nope
bad "--library nope: no library named 'nope'" --library osu018,nope
bad "--library osu018,osu018: osu018 is listed twice" --library osu018,osu018
bad "--library is empty" --library ,
bad "'\.\./x' is not a library name" --library osu018,../x
[ $fail = 0 ] || exit 1

out="$work/two"
"$nibble" report -o "$out" --library osu018,osu018x2 --formats int4,e2m1 --overq "" --blocks "" --rows 2 --cols 2 -j 2 \
    >"$work/two.log" 2>&1 || { echo "FAIL: report --library osu018,osu018x2"; tail -20 "$work/two.log"; exit 1; }
for f in libraries.csv plots/libraries.svg plots/libraries.png; do
    [ -s "$out/$f" ] || { echo "FAIL: $f missing"; exit 1; }
done
grep -q "Libraries side by side" "$out/report.html" || { echo "FAIL: no library section in report.html"; exit 1; }
grep -q "Libraries side by side" "$out/report.md" || { echo "FAIL: no library section in report.md"; exit 1; }
out2="$work/swapped"
"$nibble" report -o "$out2" --library osu018x2 --formats int4,e2m1 --overq "" --blocks "" --rows 2 --cols 2 --no-power -q -j 2 \
    >"$work/swapped.log" 2>&1 || { echo "FAIL: report --library osu018x2"; tail -20 "$work/swapped.log"; exit 1; }
XO=$(xxhsum -H2 "$osu" | cut -d' ' -f1) XD=$(xxhsum -H2 "$work/double.lib" | cut -d' ' -f1) \
python3 - "$out" "$out2" <<'PY' || exit 1
import csv, json, math, os, re, sys
out, out2 = sys.argv[1:]
rows = list(csv.DictReader(open(out + "/libraries.csv")))
by = {(r["library"], r["pe"]): r for r in rows}
pes = sorted({r["pe"] for r in rows})
for pe in ("int4 x int4", "e2m1 x e2m1", "e2m1-sr x e2m1-sr", "e2m1-sp x e2m1-sp", "int4 x uint4", "e2m1 x uint4"):
    assert pe in pes, (pe, pes)
assert len(rows) == 2 * len(pes), len(rows)
xx = {"osu018": (os.environ["XO"], "osu018_stdcells"), "osu018x2": (os.environ["XD"], "osu018_double")}
for pe in pes:
    a, b = by[("osu018", pe)], by[("osu018x2", pe)]
    assert math.isclose(2 * float(a["pe_area_um2"]), float(b["pe_area_um2"]), rel_tol=1e-9), (pe, a, b)
    assert math.isclose(float(a["fmax_mhz"]), float(b["fmax_mhz"]), rel_tol=1e-9), (pe, a, b)
    assert math.isclose(float(a["energy_per_mac_pj"]), float(b["energy_per_mac_pj"]), rel_tol=1e-6), (pe, a, b)
    for r in (a, b):
        assert (r["liberty_xxh128"], r["library_name"]) == xx[r["library"]], r
        assert r["activity_workload"].startswith("gemm 64x4x2") and r["activity_seed"] == "1", r
rep = json.load(open(out + "/report.json"))
assert rep["config"]["library"] == "osu018,osu018x2", rep["config"]
assert [l["name"] for l in rep["libraries"]] == ["osu018", "osu018x2"]
assert rep["provenance"]["library"]["xxh128"] == os.environ["XO"], rep["provenance"]
md = open(out + "/report.md").read().replace("\\", "")  # Markdown escapes removed
for lib in rep["libraries"]:
    area = lambda pe: float(by[(lib["name"], pe)]["pe_area_um2"])
    i4, e, sr = area("int4 x int4"), area("e2m1 x e2m1"), area("e2m1-sr x e2m1-sr")
    o = lib["paper_ordering"]
    assert o["holds"] == (i4 < e < sr), (o, i4, e, sr)
    assert math.isclose(o["e2m1_over_int4_pct"], 100 * (e / i4 - 1), rel_tol=1e-6), o
    assert math.isclose(o["supernormal_over_e2m1_pct"], 100 * (sr / e - 1), rel_tol=1e-6), o
    # the finding names the library, the overheads and the verdict
    line = next((l for l in md.splitlines() if l.startswith("- Library " + lib["name"] + " ")), None)
    assert line, "no finding for " + lib["name"]
    assert "%+.2f%% over INT4" % (100 * (e / i4 - 1)) in line, line
    assert "overhead %+.2f%% over E2M1" % (100 * (sr / e - 1)) in line, line
    assert ("ordering INT4 < E2M1 < E2M1 with supernormal support holds" in line) == o["holds"], line
# designs.csv: provenance appended, of the primary library
d = list(csv.DictReader(open(out + "/designs.csv")))
assert d and all(r["library"] == "osu018" and r["liberty_xxh128"] == os.environ["XO"] for r in d), d[0]
assert list(d[0].keys())[:18] == ("design,weights,acts,rows,cols,cascade,gemm_sqnr_db,array_area_um2,array_cells,"
    "array_fmax_mhz,pe_area_um2,pe_baseline_area_um2,power_mw,energy_per_mac_pj,power_of,front_area,"
    "front_power,front_energy").split(","), list(d[0].keys())
# the first library drives the report: on osu018x2 every array is twice the area
d2 = {r["design"]: r for r in csv.DictReader(open(out2 + "/designs.csv"))}
for r in d:
    s = d2[r["design"]]
    assert s["library"] == "osu018x2" and s["liberty_xxh128"] == os.environ["XD"], s
    assert math.isclose(2 * float(r["array_area_um2"]), float(s["array_area_um2"]), rel_tol=1e-9), (r, s)
rep2 = json.load(open(out2 + "/report.json"))
assert "libraries.csv" not in os.listdir(out2) and len(rep2["libraries"]) == 1, rep2["libraries"]
assert "onto library osu018x2" in open(out2 + "/report.md").read()
print("ok: %d PEs on 2 libraries; ordering %s" % (len(pes), [(l["name"], l["paper_ordering"]) for l in rep["libraries"]]))
PY
# without power: no energy panel or figure, the rest as before
out3="$work/nopower"
"$nibble" report -o "$out3" --library osu018,osu018x2 --formats int4 --overq "" --blocks "" --rows 2 --cols 2 --no-power -q -j 2 \
    >"$work/nopower.log" 2>&1 || { echo "FAIL: report --library osu018,osu018x2 --no-power"; tail -20 "$work/nopower.log"; exit 1; }
[ -s "$out3/plots/libraries.svg" ] || { echo "FAIL: no library plot without power"; exit 1; }
grep -q "^- Library osu018x2 .*ordering" "$out3/report.md" || { echo "FAIL: no ordering finding without power"; exit 1; }
grep -qiw "nan" "$out3/report.md" && { echo "FAIL: NaN in the report without power"; exit 1; }
echo "ok: reports per library"
