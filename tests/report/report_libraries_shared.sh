#!/bin/sh
# report_libraries_shared.sh NIBBLE WORKDIR SHARED_DIR SOURCE_DIR
# The report's side-by-side comparison on the three libraries the issue asks
# for: osu018 and the Nangate45 and sky130hd liberty files of the shared data
# folder (SKIP, exit 77, when they are absent, or when this checkout's
# constraints/libraries.json does not list them). Every PE gets area, fmax
# and gate-level energy on every library; each row names its file by the
# checksum `xxhsum -H2` gives and its library(...) name as the file writes it;
# the paper's ordering is stated for each library.
set -u
nibble=$1
work=$2
shared=$3
src=$4
for f in nangate45_typ.lib.gz sky130hd_tt.lib.gz; do
    [ -r "$shared/liberty/$f" ] || { echo "SKIP: $shared/liberty/$f is absent"; exit 77; }
done
for l in nangate45 sky130hd; do
    grep -q "\"$l\"" "$src/constraints/libraries.json" ||
        { echo "SKIP: $src/constraints/libraries.json does not list $l"; exit 77; }
done
command -v xxhsum >/dev/null || { echo "FAIL: xxhsum missing: install Debian's xxhash (flows/setup.sh test does)"; exit 1; }
rm -rf "$work"
mkdir -p "$work"
export NIBBLE_LIBERTY_DIR="$shared/liberty"
out="$work/report"
"$nibble" report -o "$out" --library osu018,nangate45,sky130hd --formats int4,e2m1 --overq "" --blocks "" \
    --rows 2 --cols 2 -j 2 >"$work/report.log" 2>&1 ||
    { echo "FAIL: report on three libraries"; tail -30 "$work/report.log"; exit 1; }
XO=$(xxhsum -H2 /usr/share/qflow/tech/osu018/osu018_stdcells.lib | cut -d' ' -f1) \
XN=$(xxhsum -H2 "$shared/liberty/nangate45_typ.lib.gz" | cut -d' ' -f1) \
XS=$(xxhsum -H2 "$shared/liberty/sky130hd_tt.lib.gz" | cut -d' ' -f1) \
NN=$(zcat "$shared/liberty/nangate45_typ.lib.gz" | sed -n 's/^ *library *( *\([^ )]*\) *).*/\1/p' | head -1) \
NS=$(zcat "$shared/liberty/sky130hd_tt.lib.gz" | sed -n 's/^ *library *( *"\{0,1\}\([^ ")]*\)"\{0,1\} *).*/\1/p' | head -1) \
python3 - "$out" <<'PY' || exit 1
import csv, json, math, os, sys
out = sys.argv[1]
e = os.environ
rows = list(csv.DictReader(open(out + "/libraries.csv")))
want = {"osu018": (e["XO"], "osu018_stdcells"), "nangate45": (e["XN"], e["NN"]), "sky130hd": (e["XS"], e["NS"])}
assert {r["library"] for r in rows} == set(want), {r["library"] for r in rows}
for r in rows:
    assert (r["liberty_xxh128"], r["library_name"]) == want[r["library"]], (r["library"], r["liberty_xxh128"], r["library_name"], want[r["library"]])
    for k in ("pe_area_um2", "fmax_mhz", "energy_per_mac_pj"):
        assert r[k] and math.isfinite(float(r[k])) and float(r[k]) > 0, (r["library"], r["pe"], k, r[k])
print("library    PE                  area um^2  fmax MHz  pJ/MAC")
for r in rows:
    print("%-10s %-20s %9.1f %9.0f %7.3f" % (r["library"], r["pe"], float(r["pe_area_um2"]),
                                            float(r["fmax_mhz"]), float(r["energy_per_mac_pj"])))
rep = json.load(open(out + "/report.json"))
md = open(out + "/report.md").read().replace("\\", "")
for lib in rep["libraries"]:
    assert lib["paper_ordering"] is not None, lib["name"]
    line = next(l for l in md.splitlines() if l.startswith("- Library " + lib["name"] + " "))
    print(line)
PY
echo "ok: the report compares osu018, nangate45 and sky130hd"
