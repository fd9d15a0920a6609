#!/bin/sh
# edited_design.sh NIBBLE NIBBLE_ASAN WORKDIR
# The manifest and the Verilog agree or nothing runs (issue 13, item 2):
# - a design as 'nibble gen' wrote it runs (C model and Verilator);
# - a manifest whose rows, cols, acc_bits, acc_mode, pipeline or latency was
#   edited, an edited .v file, an edited nibble_ports.h, a removed file or a
#   removed "hashes" section are refused by sim (c, verilator), synth, formal
#   and regress: exit 2, a message naming the file and saying to regenerate;
# - --allow-edited-rtl lets edited Verilog through with a warning, never an
#   edited manifest or nibble_ports.h;
# - defence in depth: with the hash check bypassed (a manifest of another
#   size whose file hashes were re-stamped), the Verilator model of sim and
#   the gate-level model of synth's power step refuse to load (exit 2)
#   instead of corrupting the heap, and so does a model whose Verilog and
#   nibble_ports.h disagree.
# Refusals run on the ASan/UBSan build; one small design's Verilator model is
# built once and reused.
set -u
nibble=$1
asan=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect STATUS REGEX CMD...: exit status and output, no sanitizer report
expect() {
    want=$1 pattern=$2
    shift 2
    out=$("$@" 2>&1)
    status=$?
    if printf '%s' "$out" | grep -qE 'AddressSanitizer|runtime error:|LeakSanitizer'; then
        fail "sanitizer report from: $*"; printf '%s\n' "$out" | head -20; return
    fi
    [ "$status" -eq "$want" ] || { fail "exit $status, expected $want: $*"; printf '%s\n' "$out" | tail -5; return; }
    printf '%s' "$out" | grep -qE -- "$pattern" ||
        { fail "output of '$*' does not match /$pattern/"; printf '%s\n' "$out" | tail -5; }
}

gen() { "$nibble" gen --weights int4,sf4 --acts int4 --acc-bits 16 "$@" >/dev/null || exit 1; }
gen --rows 2 --cols 2 -o "$work/d"
gen --rows 2 --cols 1 -o "$work/narrow"

# untouched: runs, and a reformatted manifest (whitespace, key order) still does
expect 0 "bit-exact vs golden integer GEMM: yes" "$asan" sim --config "$work/d" --gemm 3x5x4
expect 0 "bit-exact vs golden integer GEMM: yes" "$nibble" sim --config "$work/d" --gemm 3x5x4 --backend verilator
cp -r "$work/d" "$work/reformatted"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); json.dump(d, open(sys.argv[1],'w'), indent=5, sort_keys=True)" \
    "$work/reformatted/manifest.json"
expect 0 "bit-exact vs golden integer GEMM: yes" "$asan" sim --config "$work/reformatted" --gemm 3x5x4

# every consumer refuses a design: refuse NAME REGEX [extra options]
refuse() {
    name=$1 pattern=$2
    shift 2
    expect 2 "$pattern" "$asan" sim --config "$work/$name" --gemm 3x5x4 "$@"
    expect 2 "$pattern" "$asan" sim --config "$work/$name" --gemm 3x5x4 --backend verilator "$@"
    expect 2 "$pattern" "$asan" synth --config "$work/$name" --no-power -q "$@"
    expect 2 "$pattern" "$asan" formal --config "$work/$name" --work "$work/formal_$name" "$@"
    expect 2 "$pattern" "$asan" regress --config "$work/$name" --no-systemc "$@"
    [ ! -e "$work/formal_$name" ] || fail "formal wrote $work/formal_$name for a refused design"
}

edited="manifest $work/%s/manifest.json was edited after 'nibble gen' wrote it .*regenerate the design with 'nibble gen'"
for edit in 's/"cols": 2/"cols": 1/' 's/"rows": 2/"rows": 4/' 's/"acc_bits": 16/"acc_bits": 12/' \
            's/"acc_mode": "wrap"/"acc_mode": "sat"/' 's/"pipeline": 0/"pipeline": 1/' \
            's/"latency": 5/"latency": 6/' 's/"weights": "int4,sf4"/"weights": "int4"/'; do
    name=m$(printf '%s' "$edit" | cksum | cut -c1-8)
    cp -r "$work/d" "$work/$name"
    sed -i "$edit" "$work/$name/manifest.json"
    cmp -s "$work/d/manifest.json" "$work/$name/manifest.json" && { fail "edit $edit changed nothing"; continue; }
    # shellcheck disable=SC2059
    refuse "$name" "$(printf "$edited" "$name")"
    refuse "$name" "$(printf "$edited" "$name")" --allow-edited-rtl
done

# an edited Verilog file: refused, and runs with --allow-edited-rtl (with a warning)
cp -r "$work/d" "$work/v"
sed -i 's/^endmodule/  \/\/ a comment is an edit too\nendmodule/' "$work/v/nibble_pe.v"
refuse v "design file $work/v/nibble_pe.v differs from the file 'nibble gen' wrote .*regenerate the design with 'nibble gen', or pass --allow-edited-rtl"
expect 0 "warning: $work/v/nibble_pe.v differs from the file 'nibble gen' wrote" \
    "$asan" sim --config "$work/v" --gemm 3x5x4 --allow-edited-rtl

# nibble_ports.h, files.f, a missing file, a missing hashes section: no opt-in
cp -r "$work/d" "$work/ports"
sed -i 's/#define NB_COLS 2/#define NB_COLS 4/' "$work/ports/nibble_ports.h"
refuse ports "design file $work/ports/nibble_ports.h differs .*regenerate the design with 'nibble gen'" --allow-edited-rtl
cp -r "$work/d" "$work/list"
echo "nibble_pe.v" >> "$work/list/files.f"
refuse list "design file $work/list/files.f differs" --allow-edited-rtl
cp -r "$work/d" "$work/missing"
rm "$work/missing/nibble_wdec.v"
refuse missing "design file $work/missing/nibble_wdec.v is missing or unreadable"
cp -r "$work/d" "$work/nohash"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); del d['hashes']; json.dump(d, open(sys.argv[1],'w'), indent=2)" \
    "$work/nohash/manifest.json"
refuse nohash "manifest $work/nohash/manifest.json records no xxh3-128 content hashes"

# Defence in depth. The 2x1 design's manifest over the 2x2 design's files, its
# file hashes re-stamped from the 2x2 manifest (a bypass of the check above):
# the model was compiled for 2 columns, the driver would size for 1.
cp -r "$work/d" "$work/bypass"
python3 - "$work/narrow/manifest.json" "$work/d/manifest.json" "$work/bypass/manifest.json" <<'PY'
import json, sys
narrow, wide = (json.load(open(p)) for p in sys.argv[1:3])
narrow["hashes"]["files"] = wide["hashes"]["files"]
json.dump(narrow, open(sys.argv[3], "w"), indent=2)
PY
expect 2 "the model .* was compiled for cols 2 \(nibble_ports.h\), the manifest in $work/bypass says 1" \
    "$nibble" sim --config "$work/bypass" --gemm 3x5x4 --backend verilator --allow-edited-rtl
# synth's gate-level power simulation loads the same kind of model (sized
# from the netlist and nibble_ports.h) and drives it from the manifest
expect 2 "the model .* was compiled for cols 2 \(nibble_ports.h\), the manifest in $work/bypass says 1" \
    "$nibble" synth --config "$work/bypass" --allow-edited-rtl -q --force
# Verilog of the 2x2 design beside the 2x1 design's nibble_ports.h (edited
# Verilog allowed): the compiled ports disagree with the header.
cp -r "$work/narrow" "$work/mixed"
cp "$work/d"/*.v "$work/mixed/"
expect 2 "the compiled RTL's port psum_i does not have the 16 bits nibble_ports.h gives it" \
    "$nibble" sim --config "$work/mixed" --gemm 3x5x4 --backend verilator --allow-edited-rtl

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "ok: edited manifests and files refused (exit 2) by sim, synth, formal, regress; models refuse sizes they were not built for"
