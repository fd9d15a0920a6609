#!/bin/sh
# report_bad_input.sh NIBBLE WORKDIR
# Bad report inputs: a clear error, exit status 2, and no report directory.
set -u
nibble=$1
work=$2
expect=$(dirname "$0")/../cli/expect.sh
rm -rf "$work"
mkdir -p "$work"
fail=0
run() { # run PATTERN ARGS...: expect status 2 and no $work/out*
    pattern=$1
    shift
    rm -rf "$work/out"
    "$expect" 2 "$pattern" "$nibble" report -o "$work/out" --no-power -q "$@" || fail=1
    if ls -d "$work/out" "$work"/out.tmp-* "$work"/out.nibble-tmp-* 2>/dev/null | grep -q .; then
        echo "FAIL: a report directory was left for: $*"; fail=1
    fi
}
# a truncated safetensors file: the header claims more bytes than exist
printf '\100\000\000\000\000\000\000\000{"w":' > "$work/trunc.safetensors"
run "trunc.safetensors" --tensors "$work/trunc.safetensors"
# garbage
printf 'this is not a tensor file' > "$work/junk.npy"
run "junk.npy" --tensors "$work/junk.npy"
run "cannot read" --tensors "$work/missing.safetensors"
# a valid file, but the selected tensor is not in it
python3 - "$work/one.npy" <<'PY'
import struct, sys
hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }"
hdr += " " * (63 - (10 + len(hdr)) % 64) + "\n"
open(sys.argv[1], "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode() + struct.pack("<f", 1.0))
PY
run "no tensor in the 1 given file matches 'layers.\*'.*Available \(1\): one" --tensors "$work/one.npy" --select "layers.*"
run "needs --tensors" --select "w*"
run "unknown format|valid" --formats int4,nope
run "cascade depth" --overq 9 --rows 4 --cols 4
run "clip" --clip 1.5
# list options: a word or 0 is not a depth, an empty list is not a set of formats
run "--overq abc: 'abc' is not a cascade depth. give integers 1..3 for 4 rows" --overq abc --rows 4 --cols 4
run "--overq 0: '0' is not a cascade depth" --overq 0 --rows 4 --cols 4
run "--formats is empty. give at least one format" --formats ''
run "--acts is empty" --acts ','
run "--acts: give OverQ activations with --overq DEPTHS" --acts uint4,overq
run "sf4:0x10: '0x10' is not a decimal number" --formats int4,sf4:0x10
# --blocks: block formats only, one block size per design, a multiple of the
# rows, each design once; --formats and --acts point at --blocks
run "--blocks int4: 'int4' is not a block-scaled format. give plain formats with --formats" --blocks int4
run "--blocks mxfp4@e2m1: 'e2m1' is not a block-scaled format" --blocks mxfp4@e2m1
run "--blocks mxfp4@nvfp4: the weights mxfp4 have blocks of 32 and the activations nvfp4 blocks of 16 along K" --blocks mxfp4@nvfp4
run "--blocks nvfp4: block size 16 is not a multiple of the array's 3 rows \(--rows 3\). give --rows dividing 16, or --blocks '' for no block designs" --blocks nvfp4 --rows 3 --overq ''
run "--blocks: mxfp4 and mx:e2m1/e8m0/32@mxfp4 are the same design" --blocks mxfp4,mx:e2m1/e8m0/32@mxfp4
run "--blocks mx:e2m1/e8m0/0: block format 'mx:e2m1/e8m0/0': block size '0' is zero" --blocks mx:e2m1/e8m0/0
run "--blocks mxfp4@: a format is missing" --blocks mxfp4@
run "--blocks mx:e2m1/e9m0/32: block format 'mx:e2m1/e9m0/32'" --blocks mx:e2m1/e9m0/32
run "--formats int4,mxfp4: 'mxfp4' is a block-scaled format. block designs go in --blocks" --formats int4,mxfp4
run "--acts nvfp4: 'nvfp4' is a block-scaled format. block designs go in --blocks" --acts nvfp4
# the default block list does not fit 3 rows: the message names the design
run "--blocks mxfp4: block size 32 is not a multiple of the array's 3 rows" --rows 3 --overq ''
"$expect" 0 "--blocks LIST" "$nibble" report --help || fail=1
# an existing directory that is not a report is never replaced
mkdir -p "$work/keep" && echo precious > "$work/keep/file"
"$expect" 2 "keep is not empty and was not made by nibble" "$nibble" report -o "$work/keep" --no-power -q || fail=1
[ -f "$work/keep/file" ] || { echo "FAIL: a foreign directory was touched"; fail=1; }
[ "$fail" -eq 0 ] && echo "ok: every bad input refused, no report directory"
exit "$fail"
