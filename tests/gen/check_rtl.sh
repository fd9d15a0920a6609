#!/bin/sh
# check_rtl.sh NIBBLE OUTDIR GEN-ARGS...
# Generates a design twice (into two directories) and checks that the output
# is byte-for-byte identical, lint-clean under verilator -Wall, and accepted
# by Icarus Verilog (-g2005) and Yosys (read + hierarchy -check).
set -eu
nibble=$1
out=$2
shift 2
rm -rf "$out" "$out.again"
"$nibble" gen "$@" -o "$out"
"$nibble" gen "$@" -o "$out.again"
if ! diff -r "$out" "$out.again" >/dev/null; then
    echo "FAIL: two runs of the same command differ:"; diff -r "$out" "$out.again" | head -20
    exit 1
fi
echo "deterministic: identical bytes in two runs"
cd "$out"
files=$(tr '\n' ' ' < files.f)
# shellcheck disable=SC2086
verilator --lint-only -Wall --top-module nibble_top $files
echo "verilator --lint-only -Wall: clean"
# shellcheck disable=SC2086
warnings=$(iverilog -g2005 -Wall -o /dev/null -s nibble_top $files 2>&1) || { echo "$warnings"; exit 1; }
if [ -n "$warnings" ]; then echo "FAIL: iverilog warnings:"; echo "$warnings"; exit 1; fi
echo "iverilog -g2005 -Wall: accepted without warnings"
# shellcheck disable=SC2086
yosys -q -p "read_verilog $files; hierarchy -check -top nibble_top; proc; check -assert" >/dev/null
echo "yosys read + hierarchy -check + check -assert: accepted"
# Globbing the directory gives exactly the design: one top module, no
# reference-only module beside it (those live in ref/; issue 13, item 8).
# shellcheck disable=SC2035
verilator --lint-only -Wall *.v
echo "verilator --lint-only -Wall *.v (no --top-module): clean"
if [ -f nibble_pe_baseline.v ]; then
    echo "FAIL: the reference PE is written beside the design, not in ref/"; exit 1
fi
if [ -f ref/nibble_pe_baseline.v ]; then
    verilator --lint-only -Wall --top-module nibble_pe_baseline ref/nibble_pe_baseline.v
    echo "reference PE (ref/nibble_pe_baseline.v): lint-clean"
fi
