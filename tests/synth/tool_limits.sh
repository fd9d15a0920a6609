#!/bin/sh
# tool_limits.sh NIBBLE WORKDIR
# External tools run in their own process groups under a wall-clock limit:
# with fake tools (shell scripts on PATH that sleep in a grandchild), a timeout
# is an error naming the tool, the limit and the log (exit 2); SIGTERM to
# nibble synth, sweep and report ends them promptly; and in every case no
# process of a tool's group survives. A liberty file cut inside a quoted string
# (Yosys 0.23 spins on it forever) is refused at once by nibble's own reader.
set -u
nibble=$1
work=$2
expect=$(dirname "$0")/../cli/expect.sh
rm -rf "$work"
mkdir -p "$work/bin"
export NIBBLE_CACHE_DIR="$work/cache"
"$nibble" gen --weights int4 --acts int4 --rows 1 --cols 1 --acc-bits 16 -o "$work/design" >/dev/null || exit 1
fail=0
check() { "$expect" "$@" || fail=1; }

# The fake tool: answers version probes (slowly with FAKE_SLOW_VERSION), runs
# `yosys -p ...` (the liberty check) at once with FAKE_ONLY_SCRIPTS, and
# otherwise sleeps FAKE_SLEEP seconds in a background child. The sleep's
# duration is unique to each case: it is the marker pgrep looks for.
cat > "$work/bin/fake" <<'EOF'
#!/bin/sh
case "$1" in -V|-version|--version)
    [ -n "${FAKE_SLOW_VERSION:-}" ] && sleep "$FAKE_SLEEP"
    echo "fake 0.0"; exit 0;;
esac
case "$*" in *" -s "*) ;; *) [ -n "${FAKE_ONLY_SCRIPTS:-}" ] && exit 0;; esac
sleep "$FAKE_SLEEP" &
wait
EOF
chmod +x "$work/bin/fake"
for t in yosys verilator; do ln -s fake "$work/bin/$t"; done
fakepath="$work/bin:$PATH"
n=0
marker() { n=$((n + 1)); echo "1000.$$$n"; }
# no process of the fake tools may be left: neither the sleep nor the script
left() {
    sleep 0.3
    if pgrep -f "sleep $1\$" >/dev/null || pgrep -f "$work/bin/" >/dev/null; then
        echo "FAIL: $2: a process of the tool's group survived:"
        ps -eo pid,pgid,args | grep -e "sleep $1" -e "$work/bin/" | grep -v grep
        pkill -f "sleep $1\$"; pkill -f "$work/bin/"
        fail=1
    fi
}
# wait (at most 60 s) for the marker's sleep to run
wait_for() {
    i=0
    while ! pgrep -f "sleep $1\$" >/dev/null; do
        i=$((i + 1))
        [ "$i" -gt 600 ] && { echo "FAIL: the fake tool never started ($2)"; fail=1; return 1; }
        sleep 0.1
    done
}

# ---- timeouts ----------------------------------------------------------------
m=$(marker)
t0=$(date +%s)
check 2 "reading liberty file .*: yosys timed out: it was still running after its limit of 2 s, so its process group was killed; log $work/cache/tmp/liberty-check-[0-9]+\.log" \
    env NIBBLE_TOOL_TIMEOUT=2 FAKE_SLEEP="$m" PATH="$fakepath" "$nibble" synth --config "$work/design" --no-power
[ $(($(date +%s) - t0)) -le 15 ] || { echo "FAIL: the 2 s limit took $(($(date +%s) - t0)) s"; fail=1; }
left "$m" "liberty check timeout"

m=$(marker)
out=$(env NIBBLE_TOOL_TIMEOUT=1 FAKE_ONLY_SCRIPTS=1 FAKE_SLEEP="$m" PATH="$fakepath" \
    "$nibble" synth --config "$work/design" --no-power 2>&1)
status=$?
echo "$out"
[ "$status" -eq 2 ] || { echo "FAIL: synthesis timeout: exit status $status, expected 2"; fail=1; }
echo "$out" | grep -qE "synthesis of array \(nibble_top\): yosys timed out: .* limit of 1 s, .*; log $work/cache/synth/failed/[0-9a-f]+/array\.yosys\.log" ||
    { echo "FAIL: the synthesis timeout does not name tool, limit and log"; fail=1; }
log=$(echo "$out" | sed -n 's/.*; log \([^ ]*array\.yosys\.log\)\..*/\1/p')
[ -n "$log" ] && [ -f "$log" ] || { echo "FAIL: the log named ($log) does not exist"; fail=1; }
left "$m" "synthesis timeout"

m=$(marker)
check 2 "'yosys -V' timed out: .* limit of 1 s" \
    env NIBBLE_TOOL_TIMEOUT=1 FAKE_SLOW_VERSION=1 FAKE_SLEEP="$m" PATH="$fakepath" "$nibble" synth --config "$work/design" --no-power
left "$m" "version probe timeout"

m=$(marker)
check 2 "Verilator build of .*: verilator timed out: .* limit of 1 s, .*; log $work/cache/models/vl-[0-9a-f]+\.failed\.log" \
    env NIBBLE_TOOL_TIMEOUT=1 FAKE_SLEEP="$m" PATH="$fakepath" "$nibble" sim --config "$work/design" --backend verilator --gemm 2x2x2
left "$m" "Verilator build timeout"

for bad in abc " 5" -1 1.5 ""; do
    check 2 "NIBBLE_TOOL_TIMEOUT='$bad' is not a whole number of seconds: set it to the wall-clock limit of one tool run" \
        env NIBBLE_TOOL_TIMEOUT="$bad" PATH="$fakepath" "$nibble" synth --config "$work/design" --no-power
done

# ---- signals -----------------------------------------------------------------
# SIGTERM while a tool runs: it ends promptly, its group with it.
# (Background jobs of a non-interactive shell ignore SIGINT, so SIGTERM it is.)
stop_test() { # NAME STATUS-REGEX MESSAGE-REGEX MARKER NIBBLE-ARGS...
    name=$1 want=$2 msg=$3 m=$4
    shift 4
    env FAKE_ONLY_SCRIPTS=1 FAKE_SLEEP="$m" PATH="$fakepath" "$nibble" "$@" > "$work/$name.log" 2>&1 &
    pid=$!
    wait_for "$m" "$name" || { kill "$pid"; wait "$pid"; left "$m" "$name"; return; }
    t0=$(date +%s)
    kill -TERM "$pid"
    wait "$pid"
    status=$?
    cat "$work/$name.log"
    [ $(($(date +%s) - t0)) -le 8 ] || { echo "FAIL: $name took $(($(date +%s) - t0)) s to stop"; fail=1; }
    echo "$status" | grep -qE "^($want)\$" || { echo "FAIL: $name: exit status $status, expected $want"; fail=1; }
    [ -z "$msg" ] || grep -qE "$msg" "$work/$name.log" || { echo "FAIL: $name: no message /$msg/"; fail=1; }
    left "$m" "$name"
}
# synth has no interrupt handling of its own: it ends with the signal, after its tools
stop_test synth 143 "" "$(marker)" synth --config "$work/design" --no-power
stop_test sweep 2 "interrupted after 0 of 2 jobs" "$(marker)" \
    sweep -o "$work/sweep" --weights int4 --acts int4 --sizes 1x1,2x1 --no-power -j 2
pgrep -f "nibble.* synth --config $work/sweep" >/dev/null && { echo "FAIL: sweep jobs survived"; fail=1; }
stop_test report 2 "interrupted" "$(marker)" \
    report -o "$work/report" --formats int4,sf4 --overq "" --blocks "" --rows 2 --cols 2 --no-power
pgrep -f "nibble.* synth --config $work/report" >/dev/null && { echo "FAIL: report jobs survived"; fail=1; }

# ---- a liberty file cut inside a quoted string: refused at once ---------------
printf 'library (x) {\n comment : "abc' > "$work/cut.lib"
t0=$(date +%s)
check 2 "liberty file $work/cut.lib is malformed: $work/cut.lib:2: string opened with '\"' is never closed" \
    timeout 120 "$nibble" synth --config "$work/design" --liberty "$work/cut.lib" --no-power
[ $(($(date +%s) - t0)) -le 10 ] || { echo "FAIL: the cut liberty took $(($(date +%s) - t0)) s"; fail=1; }

[ "$fail" -eq 0 ] && echo "ok: timeouts name tool, limit and log; signals end every tool's group; nothing left running"
exit "$fail"
