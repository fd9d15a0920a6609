#!/bin/sh
# synth_pe.sh NIBBLE WORKDIR
# Synthesizes a 1x1 INT4 PE with gate-level power, checks every figure is
# present and plausible, that the gate-level netlist matched the C model, and
# that a second run comes from the cache.
set -u
nibble=$1
work=$2
rm -rf "$work"
"$nibble" gen --weights int4 --acts int4 --rows 1 --cols 1 --acc-bits 16 -o "$work/design" >/dev/null || exit 1
"$nibble" synth --config "$work/design" --json "$work/r.json" --csv "$work/r.csv" || { echo "FAIL: synth"; exit 1; }
python3 - "$work/r.json" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
a, t, p = r["area_um2"], r["timing"], r["power"]
checks = [
    ("array area", 1000 < a["array"] < 1e6), ("PE area", 1000 < a["pe"] < a["array"]),
    ("baseline PE area", a["pe_baseline"] > 0), ("fmax", 10 < t["fmax_mhz"] < 2000),
    ("power measured", p["measured"]), ("gate-level match", p["gate_level_match"]),
    ("power 1 uW..100 mW", 1e-3 < p["total_mw"] < 100),
    ("power parts add up", abs(p["internal_mw"] + p["switching_mw"] + p["leakage_mw"] - p["total_mw"]) < 1e-6 * max(1, p["total_mw"])),
    ("energy per MAC", 0 < p["energy_per_mac_pj"] < 1e4), ("cycles", p["cycles"] > 100),
]
bad = [n for n, ok in checks if not ok]
print("figures:", json.dumps({"area": a, "timing": t, "power": p}))
if bad:
    print("FAIL:", ", ".join(bad)); sys.exit(1)
PY
[ "$(wc -l < "$work/r.csv")" -eq 2 ] || { echo "FAIL: CSV is not a header and one row"; exit 1; }
out=$("$nibble" synth --config "$work/design" 2>&1) || { echo "FAIL: second run"; exit 1; }
printf '%s\n' "$out" | grep -q "^cached in" || { echo "FAIL: second run was not cached"; printf '%s\n' "$out"; exit 1; }
echo "ok: PE synthesized with area, timing and power; re-run cached"
