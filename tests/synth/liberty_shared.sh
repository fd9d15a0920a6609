#!/bin/sh
# liberty_shared.sh NIBBLE WORKDIR SHARED_DIR
# The named libraries nangate45 and sky130hd, found through --liberty-dir and
# $NIBBLE_LIBERTY_DIR in SHARED_DIR/liberty (gzipped): the same design maps
# onto the same number of flip-flops as on osu018 (counted from the
# liberties' ff groups; sky130hd's are not called DFF), and the cells left out
# (clock gates, fill/tap/decap, scan flip-flops) are named in a note.
# Skips (77) when SHARED_DIR holds neither file.
set -u
nibble=$1
work=$2
lib=$3/liberty
for f in nangate45_typ.lib.gz sky130hd_tt.lib.gz; do
    [ -r "$lib/$f" ] || { echo "SKIP: $lib/$f is absent (../shared is not beside this checkout)"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work"
"$nibble" gen --weights int4 --acts int4 --rows 1 --cols 1 --acc-bits 24 -o "$work/design" >/dev/null || exit 1
fail=0
"$nibble" synth --config "$work/design" --no-power --json "$work/osu018.json" 2>"$work/osu018.log" ||
    { echo "FAIL: osu018: $(tail -3 "$work/osu018.log")"; fail=1; }
env -u NIBBLE_LIBERTY_DIR "$nibble" synth --config "$work/design" --no-power --library nangate45 \
    --liberty-dir "$lib" --json "$work/nangate45.json" 2>"$work/nangate45.log" ||
    { echo "FAIL: nangate45: $(tail -3 "$work/nangate45.log")"; fail=1; }
NIBBLE_LIBERTY_DIR="$work/nowhere:$lib" "$nibble" synth --config "$work/design" --no-power \
    --library sky130hd --json "$work/sky130hd.json" 2>"$work/sky130hd.log" ||
    { echo "FAIL: sky130hd: $(tail -3 "$work/sky130hd.log")"; fail=1; }
grep -q "integrated clock-gating cell: CLKGATETST_X1" "$work/nangate45.log" ||
    { echo "FAIL: no note on Nangate45's clock gates"; fail=1; }
grep -q "integrated clock-gating cell: sky130_fd_sc_hd__dlclkp_1" "$work/sky130hd.log" ||
    { echo "FAIL: no note on sky130hd's clock gates"; fail=1; }
[ "$fail" -eq 0 ] || exit 1
python3 - "$work" <<'PY' || exit 1
import json, sys
w = sys.argv[1]
r = {n: json.load(open(f"{w}/{n}.json")) for n in ("osu018", "nangate45", "sky130hd")}
f = {n: x["cells"]["flops"] for n, x in r.items()}
lib = {n: (x["library"], x["liberty"].rsplit("/", 1)[-1]) for n, x in r.items()}
print("flip-flops:", f, "areas:", {n: x["area_um2"]["pe"] for n, x in r.items()}, "libraries:", lib)
if not (f["osu018"] > 0 and len(set(f.values())) == 1):
    print("FAIL: flip-flop counts differ between libraries"); sys.exit(1)
if lib["nangate45"] != ("nangate45", "nangate45_typ.lib.gz") or lib["sky130hd"] != ("sky130hd", "sky130hd_tt.lib.gz"):
    print("FAIL: results do not name their library"); sys.exit(1)
PY
echo "ok: nangate45 and sky130hd found in $lib; flip-flop counts equal to osu018's"
