#!/bin/sh
# report_interrupt.sh NIBBLE WORKDIR
# SIGTERM (or Ctrl-C) during a report: exit status 2 with a message, no
# report directory and no temporary directory left, an earlier report kept.
set -u
nibble=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
# an empty synthesis cache, so the run is still busy when the signal comes
export NIBBLE_CACHE_DIR="$work/cache"
# an "earlier report": nibble replaces a directory only if its marker says it is a report
mkdir -p "$work/out" && echo '{}' > "$work/out/report.json" &&
    printf 'nibble-owned-output v1\nkind: report\n' > "$work/out/.nibble-output"
"$nibble" report -o "$work/out" --formats int4,sf4 --overq "" --blocks "" --rows 2 --cols 2 --no-power \
    > "$work/log" 2>&1 &
pid=$!
sleep 3
kill -TERM "$pid"
wait "$pid"
status=$?
cat "$work/log"
[ "$status" -eq 2 ] || { echo "FAIL: exit status $status, expected 2"; exit 1; }
grep -q "interrupted" "$work/log" || { echo "FAIL: no 'interrupted' message"; exit 1; }
ls -d "$work"/out.tmp-* "$work"/out.old-* "$work"/out.nibble-tmp-* 2>/dev/null && { echo "FAIL: temporaries left"; exit 1; }
[ -f "$work/out/report.json" ] && [ "$(cat "$work/out/report.json")" = "{}" ] ||
    { echo "FAIL: the earlier report was not kept"; exit 1; }
echo "ok: an interrupted report leaves the earlier one as it was"
