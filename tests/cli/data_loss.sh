#!/bin/sh
# data_loss.sh NIBBLE WORKDIR
# The data-loss reproducers of issue 13: nibble must refuse (exit 2, a message
# saying what to do) and leave the user's files and directories byte for byte
# as they were. Then nibble still replaces its own earlier outputs.
set -u
nibble=$1
work=$2
expect=$(dirname "$0")/expect.sh
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
fail=0
check() { "$expect" "$@" || fail=1; }
# a fingerprint of a tree: every path, type, link target and content
snap() { (cd "$1" && find . -printf '%p %y %l\n' | sort && find . -type f | sort | xargs -r md5sum); }
same() { # same NAME SNAPSHOT-FILE
    if ! snap "$1" | cmp -s - "$2"; then echo "FAIL: $1 changed"; fail=1; fi
}

# a small design to read
"$nibble" gen --weights int4 --acts int4 --rows 1 --cols 1 -o design >/dev/null || { echo "FAIL: gen"; exit 1; }
[ -f design/.nibble-output ] || { echo "FAIL: gen wrote no marker"; fail=1; }
snap design > design.snap

# 1. gen -o / report -o a directory that merely holds manifest.json / report.json
mkdir -p web/src && echo '{"name": "app"}' > web/manifest.json && echo 'main()' > web/src/app.js
snap web > web.snap
check 2 "output directory web holds manifest.json but no .nibble-output marker.*choose another -o, or remove web yourself" \
    "$nibble" gen --weights int4 --acts int4 -o web
same web web.snap
mkdir -p onlyreport && echo '{}' > onlyreport/report.json
snap onlyreport > onlyreport.snap
check 2 "onlyreport holds report.json but no .nibble-output marker.*older nibble" \
    "$nibble" report -o onlyreport --no-power -q
same onlyreport onlyreport.snap
# a directory of notes, a design given to report, a report given to gen
mkdir -p notes && echo mine > notes/todo.txt
snap notes > notes.snap
check 2 "notes is not empty and was not made by nibble" "$nibble" gen --weights int4 --acts int4 -o notes
same notes notes.snap
check 2 "design is a nibble design output, not a report" "$nibble" report -o design --no-power -q
same design design.snap
ln -s notes notes.link
check 2 "output notes.link is a symbolic link" "$nibble" gen --weights int4 --acts int4 -o notes.link
same notes notes.snap

# 2. sweep -o DIR with bad options cleans nothing; an unmarked sweep-like DIR is refused
mkdir -p sw/logs sw/results && echo log > sw/logs/a.log && echo '{}' > sw/results/r.json
echo '{}' > sw/plan.json && echo 'a,b' > sw/synth.csv
snap sw > sw.snap
check 2 "no library named 'nosuch'" "$nibble" sweep -o sw --weights int4 --acts int4 --library nosuch
same sw sw.snap
check 2 "sweep: error: output directory sw holds plan.json but no .nibble-output marker" \
    "$nibble" sweep -o sw --weights int4 --acts int4 --emit-jobs make
same sw sw.snap
check 2 "sw is not a sweep directory|no .nibble-output marker" "$nibble" sweep -o sw --collect
same sw sw.snap

# 3. synth --json / --csv: checked before any work, never an input, a link or a device
echo '{"keep": 1}' > important.json
cp important.json important.orig
check 2 "no library named 'nosuch'" "$nibble" synth --config design --library nosuch --json important.json
cmp -s important.json important.orig || { echo "FAIL: important.json changed"; fail=1; }
check 2 "no library named 'nosuch'" "$nibble" synth --config design --library nosuch --csv important.json
cmp -s important.json important.orig || { echo "FAIL: important.json changed by --csv"; fail=1; }
check 2 "--json design/manifest.json is inside design, which this command reads" \
    "$nibble" synth --config design --json design/manifest.json
check 2 "--csv design/files.f is inside design" "$nibble" synth --config design/manifest.json --csv design/files.f
same design design.snap
ln -s important.json result.link
check 2 "--csv result.link is a symbolic link" "$nibble" synth --config design --csv result.link
[ -L result.link ] && cmp -s important.json important.orig || { echo "FAIL: the link or its target changed"; fail=1; }
check 2 "--csv /dev/null is a character device" "$nibble" synth --config design --csv /dev/null
[ -c /dev/null ] || { echo "FAIL: /dev/null was replaced"; fail=1; }
check 2 "--csv /dev/stdout is a symbolic link" "$nibble" synth --config design --csv /dev/stdout
mkfifo fifo
check 2 "--json fifo is a FIFO" "$nibble" synth --config design --json fifo
[ -p fifo ] || { echo "FAIL: the FIFO was replaced"; fail=1; }
check 2 "--json important.json and --csv both name|both name important.json" \
    "$nibble" synth --config design --json important.json --csv important.json
check 2 "its directory nowhere does not exist" "$nibble" synth --config design --json nowhere/r.json

# 4. sim --trace onto the design
check 2 "--trace design/manifest.json: give a file name ending in .vcd" \
    "$nibble" sim --config design --trace design/manifest.json
ln -s /dev/null null.vcd
check 2 "--trace null.vcd is a symbolic link.*leads to a device" "$nibble" sim --config design --trace null.vcd
check 2 "--trace design/manifest.vcd is inside design" "$nibble" sim --config design --trace design/manifest.vcd
[ ! -e design/manifest.vcd ] || { echo "FAIL: a file was written into the design"; fail=1; }
same design design.snap
cmp -s important.json important.orig || { echo "FAIL: important.json changed"; fail=1; }

# 5. formal --work and regress --waves write only into directories of their own
check 2 "output directory notes is not empty and was not made by nibble.*choose another --work" \
    "$nibble" formal --config design --work notes
check 2 "output directory design is a nibble design output, not a formal" \
    "$nibble" formal --config design --work design
check 2 "output directory notes is not empty and was not made by nibble.*choose another --waves" \
    "$nibble" regress --only pe-1x1 --waves notes
same notes notes.snap
same design design.snap

# 6. nibble still replaces its own outputs: an earlier design, and an empty directory
"$nibble" gen --weights int4 --acts overq --rows 2 --cols 1 --cascade 1 --overq-encoder -o again >/dev/null || { echo "FAIL: gen again"; fail=1; }
[ -f again/nibble_overq_encoder.v ] || { echo "FAIL: no encoder"; fail=1; }
check 0 "wrote again" "$nibble" gen --weights int4 --acts int4 --rows 1 --cols 1 -o again
[ ! -e again/nibble_overq_encoder.v ] || { echo "FAIL: the earlier design was not replaced whole"; fail=1; }
grep -q '"rows": 1' again/manifest.json || { echo "FAIL: the new design is not in place"; fail=1; }
mkdir empty
check 0 "wrote empty" "$nibble" gen --weights int4 --acts int4 -o empty
ls -d again.nibble-tmp-* empty.nibble-tmp-* 2>/dev/null && { echo "FAIL: temporaries left"; fail=1; }

# 7. SIGKILL at random moments while gen replaces its earlier output: DIR is
# always one complete design, byte for byte (the C test test_output kills
# after every single step; this is the same with real signals)
A="--weights int4 --acts int4 --rows 1 --cols 1"
B="--weights sf4,e2m1 --acts int4,e2m1 --rows 3 --cols 2"
"$nibble" gen $A -o refA >/dev/null && "$nibble" gen $B -o refB >/dev/null && "$nibble" gen $A -o killed >/dev/null ||
    { echo "FAIL: gen references"; fail=1; }
i=0
while [ "$i" -lt 30 ]; do
    if [ $((i % 2)) -eq 0 ]; then args=$B; else args=$A; fi
    # shellcheck disable=SC2086
    "$nibble" gen $args -o killed >/dev/null 2>&1 &
    pid=$!
    sleep "0.0$((i % 10))"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if ! diff -r killed refA >/dev/null 2>&1 && ! diff -r killed refB >/dev/null 2>&1; then
        echo "FAIL: after a SIGKILL (round $i) killed/ is neither complete design"; ls -la killed; fail=1
        break
    fi
    i=$((i + 1))
done
"$nibble" gen $A -o killed >/dev/null || { echo "FAIL: gen after the kills"; fail=1; }
ls -d killed.nibble-tmp-* 2>/dev/null && { echo "FAIL: the run after the kills left temporaries"; fail=1; }

[ "$fail" -eq 0 ] && echo "ok: every user file survived, nibble's own outputs are replaced"
exit "$fail"
