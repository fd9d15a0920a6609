#!/bin/sh
# export_accelergy.sh NIBBLE WORKDIR
# nibble export --accelergy on a 1x1 INT4 PE and a 2x2 two-weight-format
# array: ERT.yaml and ART.yaml parse with PyYAML as Accelergy 0.3 tables, every
# number equals synth.csv's for the same design (energy per MAC of the first
# format pair, array and PE areas), every format pair has a MAC energy, the
# per-PE shares add up to the array's, each entry carries its provenance; a
# re-run is cached and byte-identical. Bad input (a directory nibble does not
# own, a design with no synthesis result under --cached-only) exits 2 and
# writes nothing.
set -u
nibble=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
"$nibble" gen --weights int4 --acts int4 --rows 1 --cols 1 --acc-bits 16 -o "$work/pe" >/dev/null || fail gen pe
"$nibble" gen --weights int4,e2m1 --acts int4 --rows 2 --cols 2 --acc-bits 16 -o "$work/arr" >/dev/null || fail gen arr
"$nibble" export --config "$work/pe" --config "$work/arr" --accelergy "$work/acc" || fail "export"
for d in pe arr; do
    "$nibble" synth -q --config "$work/$d" --csv "$work/$d.csv" >/dev/null || fail "synth $d"
done
python3 - "$work" <<'PY' || exit 1
import csv, sys, yaml
work = sys.argv[1]
ert = yaml.safe_load(open(f"{work}/acc/ERT.yaml"))["ERT"]
art = yaml.safe_load(open(f"{work}/acc/ART.yaml"))["ART"]
bad = []
def check(name, ok):
    if not ok: bad.append(name)
def close(a, b, rel=2e-6):  # synth.csv holds 6 significant digits
    return abs(a - b) <= rel * max(abs(a), abs(b))
check("ERT version 0.3", ert["version"] == 0.3)
check("ART version 0.3", art["version"] == 0.3)
ert_t = {t["name"]: t for t in ert["tables"]}
art_t = {t["name"]: t for t in art["tables"]}
for d, prefix, R, C, pairs in [("pe", "nibble.int4_x_int4_1x1", 1, 1, ["mac_int4_int4"]),
                               ("arr", "nibble.int4_e2m1_x_int4_2x2", 2, 2, ["mac_int4_int4", "mac_e2m1_int4"])]:
    row = next(csv.DictReader(open(f"{work}/{d}.csv")))
    arr, pe = f"{prefix}.array", f"{prefix}.array.PE[0..{R * C - 1}]"
    if arr not in ert_t or pe not in ert_t or arr not in art_t or pe not in art_t:
        bad.append(f"{d}: tables {arr}, {pe} missing (have {sorted(ert_t)})"); continue
    for t in (ert_t[arr], ert_t[pe]):
        for a in t["actions"]:
            check(f"{d} {t['name']} {a['name']}: arguments null, energy a positive float",
                  a["arguments"] is None and isinstance(a["energy"], float) and a["energy"] > 0)
    A = {a["name"]: a["energy"] for a in ert_t[arr]["actions"]}
    P = {a["name"]: a["energy"] for a in ert_t[pe]["actions"]}
    check(f"{d}: actions {sorted(A)}", set(A) == {"mac_random", "idle", "weight_load", *pairs})
    e = float(row["energy_per_mac_pj"])
    check(f"{d}: mac_random {A['mac_random']} = synth.csv energy_per_mac_pj {e}", close(A["mac_random"], e))
    check(f"{d}: first pair = mac_random", A[pairs[0]] == A["mac_random"])
    check(f"{d}: PE mac = array mac", all(P[p] == A[p] for p in pairs))
    check(f"{d}: PE idle x R*C = array idle", close(P["idle"] * R * C, A["idle"], 1e-9))
    check(f"{d}: C PE loads + (R-1)C idle PEs = array load cycle",
          close(C * P["weight_load"] + (R - 1) * C * P["idle"], A["weight_load"], 1e-9))
    check(f"{d}: a load cycle costs more than an idle one", A["weight_load"] > A["idle"])
    check(f"{d}: array area = synth.csv", close(art_t[arr]["area"], float(row["area_array_um2"])))
    check(f"{d}: PE area = synth.csv", close(art_t[pe]["area"], float(row["area_pe_um2"])))
    for t in (ert_t[arr], ert_t[pe], art_t[arr], art_t[pe]):
        p = t.get("nibble_provenance", {})
        check(f"{d} {t['name']}: provenance", p.get("library") == row["library"] and
              close(p.get("clock_ns", 0), float(row["clock_ns"])) and p.get("liberty") and
              p.get("power_cycles", 0) > 0 and p.get("power_gate_level_match") is True and
              p.get("weights") == row["weights"] and "exported_by" in p)
    print(f"{d}: ERT {A}; PE {P}; area array {art_t[arr]['area']} PE {art_t[pe]['area']}")
if bad:
    print("FAIL:", "; ".join(bad)); sys.exit(1)
PY
cp "$work/acc/ERT.yaml" "$work/ERT.first"
out=$("$nibble" export -q --config "$work/pe" --config "$work/arr" --accelergy "$work/acc" 2>&1) || fail "re-run: $out"
cmp -s "$work/ERT.first" "$work/acc/ERT.yaml" || fail "a re-run changed ERT.yaml"

# bad input: exit 2, a clear message, nothing written
mkdir -p "$work/mine" && echo keep > "$work/mine/notes.txt"
out=$("$nibble" export --config "$work/pe" --accelergy "$work/mine" 2>&1); st=$?
[ $st -eq 2 ] || fail "foreign directory: exit $st"
printf '%s\n' "$out" | grep -q "not made by nibble\|does not carry\|refuse\|marker" || fail "foreign directory message: $out"
[ "$(ls -A "$work/mine")" = notes.txt ] || fail "foreign directory was touched"
"$nibble" gen --weights int4 --acts int4 --rows 1 --cols 1 --acc-bits 13 -o "$work/fresh" >/dev/null || fail gen fresh
out=$("$nibble" export --cached-only --config "$work/fresh" --accelergy "$work/never" 2>&1); st=$?
[ $st -eq 2 ] || fail "--cached-only without a result: exit $st"
printf '%s\n' "$out" | grep -q "has no synthesis result in the cache.*run 'nibble synth --config" || fail "missing synthesis message: $out"
[ ! -e "$work/never" ] || fail "--cached-only without a result wrote $work/never"

# --sweep: every design of a sweep on its library and clock, from its results
"$nibble" sweep -o "$work/sw" --weights int4 --acts int4 --sizes 1x1 --acc-bits 16 -j 1 >/dev/null 2>&1 || fail "sweep"
"$nibble" export -q --sweep "$work/sw" --accelergy "$work/accsw" >/dev/null || fail "export --sweep"
python3 - "$work" <<'PY' || exit 1
import csv, sys, yaml
work = sys.argv[1]
row = next(csv.DictReader(open(f"{work}/sw/synth.csv")))
t = yaml.safe_load(open(f"{work}/accsw/ERT.yaml"))["ERT"]["tables"][0]
mac = next(a["energy"] for a in t["actions"] if a["name"] == "mac_random")
e = float(row["energy_per_mac_pj"])
if abs(mac - e) > 2e-6 * e:
    print(f"FAIL: --sweep: mac_random {mac} != the sweep's synth.csv {e}"); sys.exit(1)
PY
# a sweep prepared but never run has no results: exit 2, nothing written
"$nibble" sweep -o "$work/sw_unrun" --weights int4 --acts int4 --sizes 1x1 --acc-bits 11 --emit-jobs make >/dev/null 2>&1 || fail "sweep --emit-jobs"
out=$("$nibble" export --sweep "$work/sw_unrun" --accelergy "$work/never" 2>&1); st=$?
[ $st -eq 2 ] || fail "--sweep without results: exit $st"
printf '%s\n' "$out" | grep -q "has no synthesis result in the cache" || fail "--sweep without results message: $out"
[ ! -e "$work/never" ] || fail "--sweep without results wrote $work/never"
echo "ok: Accelergy ERT/ART parsed and equal to synth.csv; re-run identical; bad input refused"
