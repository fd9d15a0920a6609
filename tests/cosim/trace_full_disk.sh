#!/bin/sh
# trace_full_disk.sh NIBBLE WORKDIR
# `sim --backend verilator --trace F` onto a full disk used to deadlock
# (Verilator's VCD writer calls vl_fatal, which flushes the trace it holds
# locked). Now a waveform that cannot be written is an error: exit 2, a
# message naming the file and the cause, the cut-off file removed, no process
# left behind. The full disk is a file size limit (SIGXFSZ ignored, so
# write() fails with EFBIG), and /dev/full.
set -u
nibble=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
"$nibble" gen --weights int4 --acts int4 --rows 2 --cols 2 -o "$work/d" >/dev/null || exit 1
# build the traced model without the limit, and check a waveform is written
"$nibble" sim --config "$work/d" --backend verilator --gemm 4x4x4 --trace "$work/ok.vcd" >/dev/null ||
    { echo "FAIL: a traced run failed"; exit 1; }
grep -q '^\$enddefinitions' "$work/ok.vcd" || { echo "FAIL: no waveform written"; exit 1; }

wave="$work/limited.vcd"
out=$(sh -c 'ulimit -f 8; trap "" XFSZ; exec timeout -k 5 120 "$@"' sh \
      "$nibble" sim --config "$work/d" --backend verilator --gemm 64x64x64 --trace "$wave" 2>&1)
status=$?
printf '%s\n' "$out" | tail -3
[ "$status" -ne 124 ] && [ "$status" -ne 137 ] || { echo "FAIL: sim hung on a full disk (killed by timeout)"; exit 1; }
[ "$status" -eq 2 ] || { echo "FAIL: exit status $status, expected 2"; exit 1; }
printf '%s' "$out" | grep -q "cannot write waveform $wave: File too large" ||
    { echo "FAIL: the error does not name the waveform and the cause"; exit 1; }
[ ! -e "$wave" ] || { echo "FAIL: the cut-off waveform was left behind"; exit 1; }
if pgrep -f -- "--trace $wave" >/dev/null; then echo "FAIL: a process is left running"; exit 1; fi

out=$(timeout -k 5 120 "$nibble" sim --config "$work/d" --backend verilator --gemm 8x8x8 --trace /dev/full 2>&1)
status=$?
printf '%s\n' "$out" | tail -2
[ "$status" -eq 2 ] || { echo "FAIL: /dev/full: exit status $status, expected 2"; exit 1; }
# a device is never an output (README, "What nibble will and will not overwrite")
printf '%s' "$out" | grep -q -- "--trace /dev/full" ||
    { echo "FAIL: /dev/full: unclear error"; exit 1; }
[ -c /dev/full ] || { echo "FAIL: /dev/full is no longer a device"; exit 1; }
echo "ok: a waveform onto a full disk is an error (exit 2), not a hang"
