#!/bin/sh
# inputs_special.sh NIBBLE WORKDIR DATA
# Inputs that need a shell to set up: a FIFO where a file is expected, a
# newline in a codebook path, and a sweep directory full of shell and make
# metacharacters whose job lists must run exactly the quoted command.
set -u
nibble=$1
work=$2
data=$3
expect=$(dirname "$0")/expect.sh
rm -rf "$work"
mkdir -p "$work"
fail=0

# a FIFO with no writer: refused at once, never waited on (timeout: a hang fails)
mkfifo "$work/fifo"
timeout 60 "$expect" 2 "input file .*/fifo is a FIFO \(pipe\). give a regular file" \
    "$nibble" quantize --format int4 --input "$work/fifo" || fail=1
timeout 60 "$expect" 2 "codebook .*/fifo is a FIFO \(pipe\). give a regular file" \
    "$nibble" formats "lut:$work/fifo" || fail=1
timeout 60 "$expect" 2 "tensor file .*/fifo is a FIFO \(pipe\)" \
    "$nibble" report -o "$work/report" --tensors "$work/fifo" --no-power -q || fail=1

# a newline in a lut: path would end a Verilog comment: refused, nothing written
nl_dir="$work/cb
module evil; endmodule //"
mkdir -p "$nl_dir"
cp "$data/codebooks/int4_like.txt" "$nl_dir/cb.txt"
"$expect" 2 "codebook path contains a control character \(byte 0x0a\)" \
    "$nibble" gen --weights "lut:$nl_dir/cb.txt" --acts int4 --rows 2 --cols 2 -o "$work/gen" || fail=1
[ ! -e "$work/gen" ] || { echo "FAIL: gen wrote a design for a refused codebook path"; fail=1; }

# the command line recorded in the generated files is quoted for sh: it reads
# back as the same words, whatever the codebook path holds
q_dir="$work/it's \$HOME \`x\`"
mkdir -p "$q_dir"
cp "$data/codebooks/int4_like.txt" "$q_dir/c b.txt"
"$nibble" gen --weights "lut:$q_dir/c b.txt" --acts int4 --rows 2 --cols 2 -o "$work/quoted" >/dev/null || fail=1
recorded=$(sed -n 's|^// Command: nibble gen ||p' "$work/quoted/nibble_top.v")
eval "set -- $recorded"
[ "$1" = "--weights" ] && [ "$2" = "lut:$q_dir/c b.txt" ] && [ "$3" = "--acts" ] ||
    { echo "FAIL: recorded command does not read back: $recorded"; fail=1; }

# a sweep directory with ', $(...), backquotes, ;, %, :, * and spaces (an empty
# synthesis cache, so that synth checks the paths instead of finding a result)
export NIBBLE_CACHE_DIR="$work/cache"
dir="$work/it's a \$(touch pwned) \`touch pwned2\` dir;x%:*"
"$nibble" sweep -o "$dir/make" --weights int4 --acts int4 --no-power --emit-jobs make >/dev/null || fail=1
"$nibble" sweep -o "$dir/slurm" --weights int4 --acts int4 --no-power --emit-jobs slurm >/dev/null || fail=1
(cd "$work" && make -s -f "$dir/make/jobs.mk") >/dev/null 2>&1
(cd "$work" && SLURM_ARRAY_TASK_ID=1 sh "$dir/slurm/jobs.sbatch") >/dev/null 2>&1
for kind in make slurm; do
    log="$dir/$kind/logs/int4_x_int4_1x1_acc24.log"
    # the job ran with its paths intact: its log is where it belongs and synth
    # names the quoted path (and refuses it for Yosys, which cannot quote it)
    grep -qF "design file '$dir/$kind/designs/int4_x_int4_1x1_acc24/" "$log" 2>/dev/null &&
        grep -qF "(byte 0x27), which Yosys and OpenSTA scripts cannot quote" "$log" ||
        { echo "FAIL: the $kind job did not run with its quoted paths"; cat "$log" 2>/dev/null; fail=1; }
done
if find "$work" -name 'pwned*' 2>/dev/null | grep -q .; then
    echo "FAIL: a command hidden in the directory name ran"; fail=1
fi
"$expect" 2 "contains a control character \(byte 0x0a\). job lists hold one job per line" \
    "$nibble" sweep -o "$work/a
b" --weights int4 --acts int4 --emit-jobs make || fail=1

[ "$fail" -eq 0 ] && echo "ok: FIFOs refused, newline paths refused, job lists quoted"
exit "$fail"
