#!/bin/sh
# expect.sh STATUS PATTERN COMMAND [ARGS...]
# Runs COMMAND, requires its exit status to be STATUS and its combined output
# to match the extended regex PATTERN, and fails on any sanitizer report.
want_status=$1
pattern=$2
shift 2
out=$("$@" 2>&1)
status=$?
printf '%s\n' "$out" | head -c 4000
if printf '%s' "$out" | grep -qE 'AddressSanitizer|runtime error:|LeakSanitizer'; then
    echo "FAIL: sanitizer report" >&2
    exit 1
fi
if [ "$status" -ne "$want_status" ]; then
    echo "FAIL: exit status $status, expected $want_status" >&2
    exit 1
fi
if ! printf '%s' "$out" | grep -qE -- "$pattern"; then
    echo "FAIL: output does not match /$pattern/" >&2
    exit 1
fi
echo "ok: status $status, output matches /$pattern/"
