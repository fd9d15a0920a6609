#!/bin/sh
# synth_block_power.sh NIBBLE WORKDIR
# Gate-level power of the smallest block-scaled design (1x1, E2M1 x E2M1
# under E8M0 scales, blocks of 16) is measured on a block-scaled GEMM: the
# scale stage is active in the simulation behind the power figure. The
# toggle coverage of that simulation (kept with the cached result) shows the
# stage's enable, its binary32 accumulators and its result nets switching; a
# workload without scales (the integer job) leaves them all at zero.
set -u
nibble=$1
work=$2
rm -rf "$work"
"$nibble" gen --weights mx:e2m1/e8m0/16 --acts mx:e2m1/e8m0/16 --rows 1 --cols 1 -o "$work/design" >/dev/null || exit 1
"$nibble" synth --config "$work/design" --json "$work/r.json" > "$work/synth.log" 2>&1 || { cat "$work/synth.log"; echo "FAIL: synth"; exit 1; }
python3 - "$work/r.json" "${NIBBLE_CACHE_DIR:-}" <<'PY' || exit 1
import json, os, re, sys
r = json.load(open(sys.argv[1]))
p, prov = r["power"], r["provenance"]["activity"]
print("power:", json.dumps(p))
print("workload:", prov["workload"])
bad = []
if not (p["measured"] and p["gate_level_match"]):
    bad.append("power not measured on a matching netlist")
if "mx:e2m1/e8m0/16" not in prov["workload"] or "gemm 64x32x2" not in prov["workload"]:
    bad.append("the power workload is not the block-scaled GEMM 64x32x2 (two blocks deep)")
cov = os.path.join(sys.argv[2], "synth", r["key"], "coverage.dat")
toggles = {}
for line in open(cov, errors="replace"):
    if not line.startswith("C '"):
        continue
    body, count = line.rsplit("' ", 1)
    kv = dict(f.split("\x02", 1) for f in body[3:].split("\x01") if "\x02" in f)
    name = re.sub(r"\[\d+\]", "", kv.get("o", ""))
    toggles[name] = toggles.get(name, 0) + int(count)
for net in ("scale_en_i", "a_scale_i", "w_scales_i", "facc_i", "out_facc_o", "out_facc_valid_o"):
    print(f"toggles {net}: {toggles.get(net)}")
    if not toggles.get(net):
        bad.append(f"scale-stage net {net} never toggled")
if bad:
    print("FAIL:", "; ".join(bad)); sys.exit(1)
PY
echo "ok: block design's power measured with the scale stage active"
