#!/bin/sh
# sweep_stale.sh NIBBLE WORKDIR
# A sweep into a directory that held an earlier sweep never reports the
# earlier run: a sweep that succeeds, then a failing sweep into the same
# directory, leaves no table, and --collect refuses (results missing); a sweep
# whose options are bad is refused before it touches the earlier sweep; results
# made with other options than the plan's are refused too.
set -u
nibble=$1
work=$2
expect=$(dirname "$0")/../cli/expect.sh
rm -rf "$work"
mkdir -p "$work"
fail=0
check() { "$expect" "$@" || fail=1; }
grid="--weights int4 --acts int4 --sizes 1x1,2x1 --no-power -j 2"
# 1. a good sweep writes its table
"$nibble" sweep -o "$work/s" $grid >"$work/ok.out" 2>&1 || { cat "$work/ok.out"; echo "FAIL: first sweep"; exit 1; }
[ -s "$work/s/synth.csv" ] && [ -s "$work/s/synth.json" ] || { echo "FAIL: no table from the good sweep"; exit 1; }
[ "$(ls "$work/s/results" | wc -l)" -eq 2 ] || { echo "FAIL: 2 results expected"; exit 1; }
# 2. the same grid with an SDC every job's OpenSTA rejects: all jobs fail
printf 'create_clock -name clk -period 10 [get_ports clk_i]\nbogus_command 1\n' > "$work/bad.sdc"
check 1 "2 of 2 jobs failed.*no table written" "$nibble" sweep -o "$work/s" $grid --sdc "$work/bad.sdc"
[ ! -e "$work/s/synth.csv" ] && [ ! -e "$work/s/synth.json" ] || { echo "FAIL: the failed sweep left the earlier table"; fail=1; }
[ -z "$(ls "$work/s/results")" ] || { echo "FAIL: the earlier results survived the new sweep"; ls "$work/s/results"; fail=1; }
# the job logs name the kept OpenSTA log, which exists
log=$(grep -ho "log [^ ]*/synth/failed/[0-9a-f]*/sta.log" "$work/s/logs/"*.log | head -1 | cut -c5-)
[ -n "$log" ] && [ -s "$log" ] || { echo "FAIL: the failed job's OpenSTA log is not kept ($log)"; cat "$work/s/logs/"*.log; fail=1; }
check 2 "2 of 2 sweep results are missing" "$nibble" sweep -o "$work/s" --collect
[ ! -e "$work/s/synth.csv" ] || { echo "FAIL: --collect wrote a table"; fail=1; }
# 3. a good sweep again, then one whose options are bad (broken liberty, unknown
# library): refused before the directory is touched, so the earlier sweep (its
# plan, results, logs and table, which agree) survives byte for byte
"$nibble" sweep -o "$work/s" $grid >"$work/ok2.out" 2>&1 || { cat "$work/ok2.out"; echo "FAIL: third sweep"; exit 1; }
grep -q "0 synthesized, 2 cached, 0 failed" "$work/ok2.out" || { echo "FAIL: not cached"; cat "$work/ok2.out"; fail=1; }
[ -s "$work/s/synth.csv" ] || { echo "FAIL: no table"; fail=1; }
(cd "$work/s" && find . -type f | sort | xargs md5sum) > "$work/before.md5"
printf 'library(broken) {\n  cell(INVX1) { area : ; \n' > "$work/bad.lib"
check 2 "bad.lib is malformed" "$nibble" sweep -o "$work/s" $grid --liberty "$work/bad.lib"
check 2 "no library named 'nosuch'" "$nibble" sweep -o "$work/s" $grid --library nosuch
(cd "$work/s" && find . -type f | sort | xargs md5sum) > "$work/after.md5"
cmp -s "$work/before.md5" "$work/after.md5" || { echo "FAIL: a sweep with bad options touched the earlier sweep"; diff "$work/before.md5" "$work/after.md5"; fail=1; }
check 0 "wrote .*synth.csv" "$nibble" sweep -o "$work/s" --collect
# 4. results made with other options than the plan's are refused by --collect
"$nibble" sweep -o "$work/s" $grid >/dev/null 2>&1 || { echo "FAIL: fourth sweep"; exit 1; }
"$nibble" sweep -o "$work/fast" $grid --clock 5 >/dev/null 2>&1 || { echo "FAIL: 5 ns sweep"; exit 1; }
cp "$work/fast/results/"*.json "$work/s/results/"
check 2 "2 of 2 sweep results do not belong to the plan.*its clock is 5 ns, the plan's 10 ns" "$nibble" sweep -o "$work/s" --collect
[ ! -e "$work/s/synth.csv" ] || { echo "FAIL: a table of foreign results"; fail=1; }
# 5. a job list emitted into the old directory: make must rerun every job
"$nibble" sweep -o "$work/fast" $grid --clock 5 --emit-jobs make >/dev/null || { echo "FAIL: emit"; exit 1; }
[ -z "$(ls "$work/fast/results")" ] && [ ! -e "$work/fast/synth.csv" ] || { echo "FAIL: emitting jobs kept the old results"; fail=1; }
[ "$fail" -eq 0 ] && echo "ok: no stale table after a failed sweep, --collect refuses missing and foreign results"
exit "$fail"
