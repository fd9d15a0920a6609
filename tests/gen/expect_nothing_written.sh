#!/bin/sh
# expect_nothing_written.sh OUTDIR EXPECT-ARGS...
# Runs expect.sh with the remaining arguments, then checks OUTDIR (and any
# temporary sibling) does not exist: a failed generation writes nothing.
out=$1
shift
rm -rf "$out"
"$@" || exit 1
if ls -d "$out" "$out".tmp-* "$out".old-* "$out".nibble-tmp-* 2>/dev/null | grep -q .; then
    echo "FAIL: output was left behind:"; ls -d "$out"*
    exit 1
fi
echo "ok: nothing written"
