#!/bin/sh
# synth_bad_input.sh NIBBLE WORKDIR
# Bad synthesis inputs give a clear error naming the file or tool, exit 2, and
# no table rows.
set -u
nibble=$1
work=$2
expect=$(dirname "$0")/../cli/expect.sh
rm -rf "$work"
mkdir -p "$work"
"$nibble" gen --weights int4 --acts int4 --rows 1 --cols 1 --acc-bits 16 -o "$work/design" >/dev/null || exit 1
fail=0
check() { "$expect" "$@" || fail=1; }
# a liberty file that does not exist
check 2 "liberty file $work/none.lib: No such file" "$nibble" synth --config "$work/design" --liberty "$work/none.lib" --json "$work/a.json"
# a malformed liberty file
printf 'library(broken) {\n  cell(INVX1) { area : ; \n' > "$work/bad.lib"
check 2 "bad.lib" "$nibble" synth --config "$work/design" --liberty "$work/bad.lib" --no-power --json "$work/b.json"
# an SDC with an impossible clock
printf 'create_clock -name clk -period -5 [get_ports clk_i]\n' > "$work/neg.sdc"
check 2 "neg.sdc:1: clock period -5 ns is impossible" "$nibble" synth --config "$work/design" --sdc "$work/neg.sdc" --json "$work/c.json"
printf 'create_clock -name clk -period 0 [get_ports clk_i]\n' > "$work/zero.sdc"
check 2 "zero.sdc:1: clock period 0 ns is impossible" "$nibble" synth --config "$work/design" --sdc "$work/zero.sdc" --json "$work/c.json"
# a positive period no flip-flop of the library can meet (clock-to-Q + setup)
printf 'create_clock -name clk -period 0.001 [get_ports clk_i]\n' > "$work/fast.sdc"
check 2 "SDC file $work/fast.sdc: clock period 0.001 ns is impossible on .*osu018.*DFFPOSX1 .*at least 0.26" "$nibble" synth --config "$work/design" --sdc "$work/fast.sdc" --json "$work/c.json"
check 2 "^nibble synth: error: --clock 0.001: clock period 0.001 ns is impossible.*at least 0.26" "$nibble" synth --config "$work/design" --clock 0.001 --json "$work/c.json"
check 2 "SDC file $work/fast.sdc: clock period 0.001 ns is impossible" "$nibble" sweep -o "$work/fastsweep" --weights int4 --acts int4 --sdc "$work/fast.sdc" --no-power
[ ! -e "$work/fastsweep/synth.csv" ] || { echo "FAIL: a sweep at an impossible clock wrote a table"; fail=1; }
check 2 "defines no clock" sh -c "printf 'set_load 1 [all_outputs]\n' > '$work/none.sdc'; '$nibble' synth --config '$work/design' --sdc '$work/none.sdc'"
check 2 "--clock -1: give a positive period" "$nibble" synth --config "$work/design" --clock -1
# inputs: a period in hex, a liberty that is a device, an SDC that is a FIFO (refused, not waited on),
# and a directory name that Yosys scripts cannot quote
printf 'create_clock -name clk -period 0x10 [get_ports clk_i]\n' > "$work/hex.sdc"
check 2 "hex.sdc:1: create_clock -period is not followed by a decimal number \('0x10'\)" "$nibble" synth --config "$work/design" --sdc "$work/hex.sdc" --json "$work/c.json"
check 2 "liberty file /dev/zero is a character device. give a regular file" "$nibble" synth --config "$work/design" --liberty /dev/zero --json "$work/c.json"
mkfifo "$work/fifo.sdc"
check 2 "SDC file .*fifo.sdc is a FIFO" timeout 60 "$nibble" synth --config "$work/design" --sdc "$work/fifo.sdc" --json "$work/c.json"
cp -r "$work/design" "$work/de sign"
check 2 "design file '.*/de sign/.*' contains ' ' \(byte 0x20\), which Yosys and OpenSTA scripts cannot quote" "$nibble" synth --config "$work/de sign" --no-power --force --json "$work/c.json"
# a tool that is not installed: yosys missing from PATH
mkdir -p "$work/nopath"
check 2 "yosys is not installed" env PATH="$work/nopath" "$nibble" synth --config "$work/design" --json "$work/d.json"
# a sweep over a broken library writes no table at all
check 2 "bad.lib is malformed" "$nibble" sweep -o "$work/sweep" --weights int4 --acts int4 --sizes 1x1,2x1 --liberty "$work/bad.lib" --no-power -j 2
for f in a b c d; do [ ! -e "$work/$f.json" ] || { echo "FAIL: $f.json written"; fail=1; }; done
[ ! -e "$work/sweep/synth.csv" ] && [ ! -e "$work/sweep/synth.json" ] || { echo "FAIL: a partial sweep table was written"; fail=1; }
[ "$fail" -eq 0 ] && echo "ok: every bad input refused clearly, nothing written"
exit "$fail"
