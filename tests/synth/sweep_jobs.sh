#!/bin/sh
# sweep_jobs.sh NIBBLE WORKDIR
# A sweep emitted as a make job list, run by make -j2, then collected; the
# same sweep run by nibble itself gives the same table; a re-run is cached.
set -u
nibble=$1
work=$2
rm -rf "$work"
grid="--weights int4;sf4 --acts int4 --sizes 1x1,2x1 --no-power"
"$nibble" sweep -o "$work/make" $grid --emit-jobs make || exit 1
"$nibble" sweep -o "$work/slurm" $grid --emit-jobs slurm >/dev/null || exit 1
grep -q "#SBATCH --array=1-4" "$work/slurm/jobs.sbatch" || { echo "FAIL: Slurm array"; exit 1; }
[ "$(wc -l < "$work/make/jobs.txt")" -eq 4 ] || { echo "FAIL: jobs.txt should list 4 jobs"; exit 1; }
"$nibble" sweep -o "$work/make" --collect 2>&1 | grep -q "results are missing" || { echo "FAIL: collect before the jobs ran must fail"; exit 1; }
[ ! -e "$work/make/synth.csv" ] || { echo "FAIL: partial table"; exit 1; }
make -s -j2 -f "$work/make/jobs.mk" || { echo "FAIL: make"; exit 1; }
"$nibble" sweep -o "$work/make" --collect || exit 1
[ "$(wc -l < "$work/make/synth.csv")" -eq 5 ] || { echo "FAIL: 4 rows expected"; cat "$work/make/synth.csv"; exit 1; }
out=$("$nibble" sweep -o "$work/here" $grid -j 2) || { printf '%s\n' "$out"; exit 1; }
printf '%s\n' "$out"
printf '%s' "$out" | grep -q "0 synthesized, 4 cached, 0 failed" || { echo "FAIL: the same designs were not taken from the cache"; exit 1; }
# the tables agree except for the design names' directories
cmp -s "$work/make/synth.csv" "$work/here/synth.csv" || { echo "FAIL: tables differ"; diff "$work/make/synth.csv" "$work/here/synth.csv"; exit 1; }
echo "ok: make job list, collect, cached in-process sweep, identical tables"
