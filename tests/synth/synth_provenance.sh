#!/bin/sh
# synth_provenance.sh NIBBLE WORKDIR SOURCE_DIR
# Every synthesis row names where its numbers come from, and each field is
# checked against an independent source: the liberty's checksum against
# `xxhsum -H2`, its library name and nominal conditions against the file's
# text, the tools against their own version output, nibble's version and
# commit against `nibble --version` and `git describe` of the source tree, the
# activity against the power block; JSON and CSV agree; a cached result keeps
# the provenance; a sweep table carries it (empty activity without power).
set -u
nibble=$1
work=$2
src=$3
lib=/usr/share/qflow/tech/osu018/osu018_stdcells.lib
rm -rf "$work"
mkdir -p "$work"
command -v xxhsum >/dev/null || { echo "FAIL: xxhsum missing: install Debian's xxhash (flows/setup.sh test does)"; exit 1; }
"$nibble" gen --weights int4 --acts uint4 --rows 1 --cols 1 --acc-bits 16 -o "$work/design" >/dev/null || exit 1
# --force: this binary measures it, so the commit must be this build's
"$nibble" synth --config "$work/design" --force --json "$work/r.json" --csv "$work/r.csv" >"$work/synth.log" 2>&1 ||
    { echo "FAIL: synth"; cat "$work/synth.log"; exit 1; }
"$nibble" synth --config "$work/design" --json "$work/cached.json" >/dev/null 2>&1 || { echo "FAIL: cached synth"; exit 1; }
"$nibble" synth --config "$work/design" --clock 7 --no-power --json "$work/np.json" >/dev/null 2>&1 ||
    { echo "FAIL: synth --no-power"; exit 1; }
commit=""
if [ -e "$src/.git" ] && command -v git >/dev/null; then
    commit=$(git -C "$src" rev-parse --short=12 HEAD) || exit 1
fi
XXH=$(xxhsum -H2 "$lib" | cut -d' ' -f1) YOSYS=$(yosys -V | head -1) STA=$(sta -version | head -1) \
VERILATOR=$(verilator --version | head -1) NIBBLE_V=$("$nibble" --version) COMMIT=$commit LIB=$lib \
python3 - "$work" <<'PY' || exit 1
import csv, json, math, os, re, sys
w = sys.argv[1]
env = os.environ
r = json.load(open(w + "/r.json"))
p = r["provenance"]
text = open(env["LIB"]).read()
def attr(name):  # the file's nom_ attributes (voltage_unit is 1V in this file)
    return float(re.search(r"\bnom_" + name + r"\s*:\s*([-0-9.eE+]+)", text).group(1))
bad = []
def check(what, got, want):
    ok = math.isclose(got, want, rel_tol=1e-9) if isinstance(want, float) else got == want
    if not ok:
        bad.append("%s: %r, expected %r" % (what, got, want))
check("liberty checksum (xxhsum -H2)", p["library"]["xxh128"], env["XXH"])
check("liberty file", p["library"]["file"], os.path.basename(env["LIB"]))
check("liberty path", p["library"]["path"], env["LIB"])
check("library(...) name", p["library"]["name"], re.search(r"^\s*library\s*\(\s*([^) ]+)\s*\)", text, re.M).group(1))
check("process", p["library"]["process"], attr("process"))
check("voltage", p["library"]["voltage_v"], attr("voltage"))
check("temperature", p["library"]["temperature_c"], attr("temperature"))
check("clock", p["clock_ns"], r["clock_ns"])
check("clock is the library default", r["clock_ns"], 10.0)
check("activity source", p["activity"]["source"], "gate-level simulation")
check("activity workload", p["activity"]["workload"], "gemm 64x4x2 weights t:5 in int4, acts relu-t:5 in uint4")
check("activity seed", p["activity"]["seed"], 1)
check("activity cycles", p["activity"]["cycles"], r["power"]["cycles"])
check("yosys", p["tools"]["yosys"], env["YOSYS"])
check("opensta", p["tools"]["opensta"], env["STA"])
check("verilator", p["tools"]["verilator"], env["VERILATOR"])
v = env["NIBBLE_V"].split()
check("nibble version", p["nibble"]["version"], v[1])
commit = p["nibble"]["commit"]
if env["COMMIT"]:
    check("commit is the source tree's HEAD", re.sub("-dirty$", "", commit), env["COMMIT"])
    check("nibble --version names the commit", env["NIBBLE_V"].endswith("(git %s)" % commit), True)
else:
    check("no commit outside a git checkout", commit, "")
# the CSV row says the same; the columns before the provenance keep their places
rows = list(csv.DictReader(open(w + "/r.csv")))
head = next(csv.reader(open(w + "/r.csv")))
old = ("weights,acts,rows,cols,acc_bits,acc_mode,pipeline,cascade,overq_mode,overq_encoder,library,"
       "clock_ns,area_pe_um2,area_pe_decoders_um2,area_pe_baseline_um2,area_array_um2,area_encoder_um2,"
       "cells_array,flops_array,cells_pe,slack_ns,critical_ns,fmax_mhz,timing_met,power_mw,"
       "power_internal_mw,power_switching_mw,power_leakage_mw,opensta_power_mw,input_activity,"
       "energy_per_mac_pj,gate_level_match").split(",")
check("CSV columns before provenance", head[:len(old)], old)
c = rows[0]
check("CSV row width", len(next(iter(csv.reader([open(w + "/r.csv").read().splitlines()[1]])))), len(head))
for col, want in [("liberty_file", p["library"]["file"]), ("liberty_xxh128", env["XXH"]),
                  ("library_name", p["library"]["name"]), ("activity_workload", p["activity"]["workload"]),
                  ("activity_seed", "1"), ("activity_cycles", str(r["power"]["cycles"])),
                  ("yosys_version", env["YOSYS"]), ("opensta_version", env["STA"]),
                  ("verilator_version", env["VERILATOR"]), ("nibble_version", v[1]),
                  ("nibble_commit", commit)]:
    check("CSV " + col, c.get(col), want)
for col, want in [("process", attr("process")), ("voltage_v", attr("voltage")), ("temperature_c", attr("temperature"))]:
    check("CSV " + col, float(c[col]), want)
# the cached result keeps the provenance of the run that made it
check("cached provenance", json.load(open(w + "/cached.json"))["provenance"], p)
# without power: no activity, no Verilator; the clock given
n = json.load(open(w + "/np.json"))["provenance"]
check("no-power activity", n["activity"], {"source": "none", "workload": "", "seed": 0, "cycles": 0})
check("no-power verilator", n["tools"]["verilator"], "")
check("no-power clock", n["clock_ns"], 7.0)
if bad:
    print("FAIL: " + "; ".join(bad)); sys.exit(1)
print("ok: provenance", json.dumps(p))
PY
# a sweep table carries the provenance of each row
"$nibble" sweep -o "$work/sw" --weights int4 --acts uint4 --sizes 1x1,2x1 --no-power -j 2 >"$work/sweep.log" 2>&1 ||
    { echo "FAIL: sweep"; cat "$work/sweep.log"; exit 1; }
XXH=$(xxhsum -H2 "$lib" | cut -d' ' -f1) python3 - "$work/sw" <<'PY' || exit 1
import csv, json, os, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/synth.csv")))
js = json.load(open(d + "/synth.json"))["designs"]
assert len(rows) == 2 == len(js), (len(rows), len(js))
for c, j in zip(rows, js):
    assert c["liberty_xxh128"] == os.environ["XXH"] == j["provenance"]["library"]["xxh128"], c
    assert c["library_name"] == "osu018_stdcells", c
    assert c["activity_workload"] == "" and c["activity_cycles"] == "", c
    assert c["nibble_version"] == j["provenance"]["nibble"]["version"] != "", c
print("ok: sweep table rows carry provenance")
PY
echo "ok: provenance present and correct"
