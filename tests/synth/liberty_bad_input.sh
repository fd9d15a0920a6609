#!/bin/sh
# liberty_bad_input.sh NIBBLE WORKDIR DATADIR
# Bad libraries get a clear error, exit 2, and nothing written: a .gz that is
# not gzip, a gzip stream cut short, an empty and a truncated liberty, a
# liberty with no flip-flop, two files with different units, an unknown
# library name, and a named library whose file is in no folder nibble looks in.
set -u
nibble=$1
work=$2
data=$3
expect=$(dirname "$0")/../cli/expect.sh
rm -rf "$work"
mkdir -p "$work/empty_dir"
"$nibble" gen --weights int4 --acts int4 --rows 1 --cols 1 --acc-bits 16 -o "$work/design" >/dev/null || exit 1
fail=0
check() { "$expect" "$@" || fail=1; }
# expect.sh runs a command, not a shell function: a small script stands for
# "nibble synth on the design, no power, into out.json"
printf '#!/bin/sh\nexec "%s" synth --config "%s/design" --no-power --json "%s/out.json" "$@"\n' "$nibble" "$work" "$work" >"$work/synth"
chmod +x "$work/synth"
synth=$work/synth
cp "$data/gated_ns.lib" "$work/plain.lib.gz"
check 2 "liberty file $work/plain.lib.gz is not gzip data although its name ends in .gz" "$synth" --liberty "$work/plain.lib.gz"
gzip -c "$data/gated_ns.lib" | head -c 1500 >"$work/cut.lib.gz"
check 2 "liberty file $work/cut.lib.gz: the gzip data is truncated" "$synth" --liberty "$work/cut.lib.gz"
: >"$work/empty.lib"
check 2 "$work/empty.lib:1: not a Liberty library" "$synth" --liberty "$work/empty.lib"
head -c 3000 "$data/gated_ns.lib" >"$work/truncated.lib"
check 2 "truncated.lib:[0-9]+: .*never closed" "$synth" --liberty "$work/truncated.lib"
# everything but the flip-flop (the latch stays: it is no flip-flop)
python3 -c "
import re, sys
t = open(sys.argv[1]).read()
a = t.index('  cell (REG)'); b = t.index('  cell (HOLD)')
open(sys.argv[2], 'w').write(t[:a] + t[b:])" "$data/gated_ns.lib" "$work/noff.lib" || exit 1
check 2 "liberty file $work/noff.lib has no flip-flop nibble can map onto" "$synth" --liberty "$work/noff.lib"
check 2 "gated_ps.lib: its time_unit differs from that of .*gated_ns.lib" "$synth" --liberty "$data/gated_ns.lib,$data/gated_ps.lib"
check 2 "no library named 'nangate46' in .*libraries.json \(it knows osu018, nangate45, sky130hd\)" "$synth" --library nangate46
check 2 "library nangate45 needs the liberty file nangate45_typ.lib.gz, which is in none of the folders nibble looked in: --liberty-dir $work/empty_dir, NIBBLE_LIBERTY_DIR \(not set\). Point nibble at the folder holding it with --liberty-dir DIR or NIBBLE_LIBERTY_DIR=DIR" \
    env -u NIBBLE_LIBERTY_DIR "$nibble" synth --config "$work/design" --library sky130hd --library nangate45 --liberty-dir "$work/empty_dir" --json "$work/out.json"
check 2 "library sky130hd needs the liberty file sky130hd_tt.lib.gz.*--liberty-dir \(not given\), NIBBLE_LIBERTY_DIR=$work/empty_dir" \
    env NIBBLE_LIBERTY_DIR="$work/empty_dir" "$nibble" sweep -o "$work/sweep" --weights int4 --acts int4 --library sky130hd --no-power
check 2 "--liberty: there is no file no_such.lib.gz in the current folder nor in the folders nibble looked in: --liberty-dir \(not given\), NIBBLE_LIBERTY_DIR=$work/empty_dir" \
    env NIBBLE_LIBERTY_DIR="$work/empty_dir" "$synth" --liberty no_such.lib.gz
[ ! -e "$work/out.json" ] || { echo "FAIL: out.json written"; fail=1; }
[ ! -e "$work/sweep" ] || { echo "FAIL: a sweep over a missing library touched $work/sweep"; fail=1; }
[ "$fail" -eq 0 ] && echo "ok: every bad library refused clearly, nothing written"
exit "$fail"
