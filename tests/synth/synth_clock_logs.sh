#!/bin/sh
# synth_clock_logs.sh NIBBLE WORKDIR
# Timing columns and the missed-timing warning; a failed run keeps its tool
# log where the error says; OpenSTA without a power total is an error; the
# library entry of constraints/libraries.json is part of the cache key.
set -u
nibble=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
expect=$here/../cli/expect.sh
rm -rf "$work"
mkdir -p "$work"
"$nibble" gen --weights int4 --acts int4 --rows 1 --cols 1 --acc-bits 16 -o "$work/design" >/dev/null || exit 1
fail=0
check() { "$expect" "$@" || fail=1; }
col() { # col FILE NAME: the value of column NAME in the first row of a CSV
    awk -F, -v n="$2" 'NR==1 { for (i = 1; i <= NF; i++) if ($i == n) c = i } NR==2 { print $c }' "$1"
}
# 1. a clock the design cannot meet: a warning, slack_ns < 0 and timing_met 0
check 0 "warning: .* misses timing at the 0.5 ns clock: slack -" "$nibble" synth --config "$work/design" --no-power --clock 0.5 --csv "$work/late.csv" --json "$work/late.json"
[ "$(col "$work/late.csv" timing_met)" = 0 ] || { echo "FAIL: timing_met should be 0"; cat "$work/late.csv"; fail=1; }
case $(col "$work/late.csv" slack_ns) in -*) ;; *) echo "FAIL: slack_ns should be negative"; cat "$work/late.csv"; fail=1 ;; esac
grep -q '"met": false' "$work/late.json" || { echo "FAIL: JSON timing.met should be false"; fail=1; }
# the default 10 ns clock is met, without a warning
out=$("$nibble" synth --config "$work/design" --no-power --csv "$work/ok.csv" 2>&1) || { printf '%s\n' "$out"; fail=1; }
printf '%s' "$out" | grep -q "misses timing" && { echo "FAIL: warning at a met clock"; fail=1; }
[ "$(col "$work/ok.csv" timing_met)" = 1 ] || { echo "FAIL: timing_met should be 1"; cat "$work/ok.csv"; fail=1; }
key10=$(printf '%s' "$out" | sed -n 's/.*(key \([0-9a-f]*\)).*/\1/p')
# 2. a run that fails in OpenSTA names its log, and the log is still there
printf 'create_clock -name clk -period 10 [get_ports clk_i]\nbogus_command 1\n' > "$work/bad.sdc"
check 2 "OpenSTA failed.*log [^ ]*/synth/failed/[0-9a-f]*/sta.log: Error: .*bogus_command" "$nibble" synth --config "$work/design" --no-power --sdc "$work/bad.sdc" --json "$work/bad.json"
log=$("$nibble" synth --config "$work/design" --no-power --sdc "$work/bad.sdc" 2>&1 | grep -o "log [^ ]*/sta.log" | cut -c5-)
[ -n "$log" ] && grep -q bogus_command "$log" || { echo "FAIL: the OpenSTA log $log is gone"; fail=1; }
[ ! -e "$work/bad.json" ] || { echo "FAIL: a failed run wrote its result"; fail=1; }
# 3. OpenSTA that prints a slack but no power total: an error, not 0 mW
mkdir -p "$work/fakebin"
cat > "$work/fakebin/sta" <<'STA'
#!/bin/sh
[ "$1" = -version ] && { echo "2.0.17-nopower"; exit 0; }
echo "   2.5000   slack (MET)"
STA
chmod +x "$work/fakebin/sta"
check 2 "OpenSTA printed no power total.*log [^ ]*/synth/failed/[0-9a-f]*/sta.log" env PATH="$work/fakebin:$PATH" "$nibble" synth --config "$work/design" --no-power --json "$work/np.json"
[ ! -e "$work/np.json" ] || { echo "FAIL: a result without OpenSTA power was written"; fail=1; }
# 4. constraints/libraries.json is part of the cache key: another input slew,
# another key (so a changed library entry never hits the old cache entry)
mkdir -p "$work/data/constraints"
for f in "$root"/*; do [ "$(basename "$f")" = constraints ] || ln -s "$f" "$work/data/"; done
ln -s "$root/constraints/clock.sdc.in" "$work/data/constraints/"
sed 's/"input_slew_ns": *[0-9.]*/"input_slew_ns": 0.25/' "$root/constraints/libraries.json" > "$work/data/constraints/libraries.json"
grep -q '"input_slew_ns": 0.25' "$work/data/constraints/libraries.json" || { echo "FAIL: test setup (slew)"; fail=1; }
out=$(NIBBLE_DATA_DIR="$work/data" "$nibble" synth --config "$work/design" --no-power 2>&1) || { printf '%s\n' "$out"; fail=1; }
key=$(printf '%s' "$out" | sed -n 's/.*(key \([0-9a-f]*\)).*/\1/p')
[ -n "$key" ] && [ -n "$key10" ] && [ "$key" != "$key10" ] || { echo "FAIL: the input slew does not change the cache key ($key10, $key)"; fail=1; }
[ "$fail" -eq 0 ] && echo "ok: timing columns and warning, kept failure logs, missing power refused, libraries.json keyed"
exit "$fail"
