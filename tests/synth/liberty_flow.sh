#!/bin/sh
# liberty_flow.sh NIBBLE WORKDIR DATADIR
# Any liberty in the default flow, power included: a hand-made library with an
# integrated clock-gating cell, a fill cell, a cell without a function and a
# dont_use cell synthesizes with gate-level power (the left-out cells named in
# a note); its ps/fF/pW twin gives the same area, timing and power; flip-flops
# are counted from ff groups (the library calls its flip-flop REG) and equal
# OSU018's for the same design; the library read gzipped and as two files
# gives the same area.
set -u
nibble=$1
work=$2
data=$3
rm -rf "$work"
mkdir -p "$work"
"$nibble" gen --weights int4 --acts int4 --rows 1 --cols 1 --acc-bits 16 -o "$work/design" >/dev/null || exit 1
fail=0
run() { # NAME ARGS...: synth into $work/NAME.json, its messages in $work/NAME.log
    name=$1
    shift
    "$nibble" synth --config "$work/design" --json "$work/$name.json" "$@" >"$work/$name.out" 2>"$work/$name.log" ||
        { echo "FAIL: synth $name: $(tail -3 "$work/$name.log")"; fail=1; }
}
run ns --liberty "$data/gated_ns.lib"
run ps --liberty "$data/gated_ps.lib"
run osu018 --no-power
gzip -c "$data/gated_ns.lib" >"$work/gated_ns.lib.gz"
run gz --no-power --liberty "$work/gated_ns.lib.gz"
# the same library as two files (ASAP7 style): the sequential cells in the second
python3 - "$data/gated_ns.lib" "$work/part_comb.lib" "$work/part_seq.lib" <<'PY' || exit 1
import re, sys
text = open(sys.argv[1]).read()
head_end = text.index("  cell (")
head, body = text[:head_end], text[head_end:text.rindex("}")]
blocks = re.split(r"(?=  cell \()", body)
seq = [b for b in blocks if b.startswith("  cell (REG)") or b.startswith("  cell (HOLD)")]
comb = [b for b in blocks if b.strip() and b not in seq]
open(sys.argv[2], "w").write(head + "".join(comb) + "}\n")
open(sys.argv[3], "w").write(head.replace("library (gated_ns)", "library (gated_ns_seq)") + "".join(seq) + "}\n")
PY
run parts --no-power --liberty "$work/part_comb.lib" --liberty "$work/part_seq.lib"
grep -q "4 of 13 cells left out of mapping and of the gate-level power model" "$work/ns.log" &&
    grep -q "integrated clock-gating cell: GATE" "$work/ns.log" ||
    { echo "FAIL: no note on the cells left out:"; cat "$work/ns.log"; fail=1; }
python3 - "$work" <<'PY' || fail=1
import json, sys
w = sys.argv[1]
r = {n: json.load(open(f"{w}/{n}.json")) for n in ("ns", "ps", "osu018", "gz", "parts")}
bad = []
def same(what, a, b, rel):
    if abs(a - b) > rel * max(abs(a), abs(b), 1e-30):
        bad.append(f"{what}: {a} vs {b}")
ns, ps = r["ns"], r["ps"]
if not (ns["power"]["measured"] and ns["power"]["gate_level_match"] and ns["power"]["total_mw"] > 0):
    bad.append("the ns library gave no gate-level power")
for k in ("array", "pe"):
    same(f"area {k} ns/ps", ns["area_um2"][k], ps["area_um2"][k], 1e-9)
    same(f"area {k} plain/gz", ns["area_um2"][k], r["gz"]["area_um2"][k], 1e-9)
    same(f"area {k} one file/two", ns["area_um2"][k], r["parts"]["area_um2"][k], 1e-9)
same("fmax ns/ps", ns["timing"]["fmax_mhz"], ps["timing"]["fmax_mhz"], 1e-4)
same("slack ns/ps", ns["timing"]["slack_ns"], ps["timing"]["slack_ns"], 1e-3)
for k in ("total_mw", "internal_mw", "switching_mw", "leakage_mw", "energy_per_mac_pj"):
    same(f"power {k} ns/ps", ns["power"][k], ps["power"][k], 1e-6)
def flops(x):
    return x["cells"]["flops"]
f = {n: flops(x) for n, x in r.items()}
if not (f["ns"] > 0 and len(set(f.values())) == 1):
    bad.append(f"flip-flop counts differ or are 0: {f}")
print("figures:", json.dumps({"ns": ns["area_um2"], "fmax": [ns["timing"]["fmax_mhz"], ps["timing"]["fmax_mhz"]],
                              "power_mw": [ns["power"]["total_mw"], ps["power"]["total_mw"]], "flops": f}))
if bad:
    print("FAIL:", "; ".join(bad)); sys.exit(1)
PY
[ "$fail" -eq 0 ] && echo "ok: the gated library synthesizes with power; ps twin, gzip and two-file copies agree; flip-flops counted from ff groups"
exit "$fail"
