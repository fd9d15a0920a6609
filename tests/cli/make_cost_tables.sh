#!/bin/sh
# make_cost_tables.sh DIR
# Writes small synth.json tables for the costmodel checks: areas from a known
# model (so a fit is exact), and variants that must be refused:
#   ok.json          8 sizes of one datatype set, power measured
#   duplicate.json   the same with 4x4 twice
#   huge_area.json   one area of 1e308 um^2
#   huge_size.json   a 100000x100000 array (R*C overflows an int)
#   negative_area.json  an area of -5 um^2
#   big_sizes.json   valid but large: the largest size is 40000x40000
set -eu
dir=$1
mkdir -p "$dir"

# row NAME R C AREA POWER
row() {
    printf '{"design": "%s", "weights": "int4", "acts": "int4", "rows": %s, "cols": %s,' "$1" "$2" "$3"
    printf ' "acc_bits": 16, "acc_mode": "wrap", "pipeline": 0, "cascade": -1, "overq_mode": "none",'
    printf ' "overq_encoder": false, "library": "osu018", "liberty": "x.lib", "clock_ns": 10.0,'
    printf ' "area_um2": {"array": %s, "pe": 500.0, "pe_decoders": 0.0, "pe_baseline": 0.0, "encoder": 0.0},' "$4"
    printf ' "cells": {"array": 1, "flops": 1, "pe": 1},'
    printf ' "timing": {"slack_ns": 1.0, "critical_ns": 9.0, "fmax_mhz": 111.0, "met": true},'
    printf ' "power": {"measured": true, "total_mw": %s, "internal_mw": 0.0, "switching_mw": 0.0,' "$5"
    printf ' "leakage_mw": 0.0, "opensta_mw": 0.0, "input_activity": 0.1, "energy_per_mac_pj": 1.0,'
    printf ' "cycles": 10, "macs": 10, "nets_without_toggles": 0, "gate_level_match": true},'
    printf ' "key": "k"}'
}

# table FILE SIZES [R C AREA] : the model's areas for SIZES, one of them replaced
table() {
    file=$1 sizes=$2 swap_r=${3:-0} swap_c=${4:-0} swap_area=${5:-0}
    {
        printf '{"format": "nibble-synth-table-1", "designs": [\n'
        sep=""
        for s in $sizes; do
            r=${s%x*} c=${s#*x}
            area=$(awk -v r="$r" -v c="$c" 'BEGIN { printf "%.6f", 100 + 10*r + 12*c + 500*r*c + 3*r*(r-1)/2 + 4*c*(c-1)/2 }')
            power=$(awk -v r="$r" -v c="$c" 'BEGIN { printf "%.6f", 0.1 + 0.01*r + 0.02*c + 0.5*r*c + 0.003*r*(r-1)/2 + 0.004*c*(c-1)/2 }')
            [ "$r" = "$swap_r" ] && [ "$c" = "$swap_c" ] && area=$swap_area
            printf '%s' "$sep"
            row "a${r}x${c}" "$r" "$c" "$area" "$power"
            sep=",
"
        done
        printf '\n]}\n'
    } > "$file"
}

base="2x2 2x4 4x2 3x5 5x3 4x4 6x6 8x8"
table "$dir/ok.json" "$base"
table "$dir/duplicate.json" "$base 4x4"
table "$dir/huge_area.json" "$base" 6 6 1e308
table "$dir/negative_area.json" "$base" 6 6 -5
table "$dir/huge_size.json" "$base 100000x100000"
table "$dir/big_sizes.json" "2x2 2x4 4x2 3x5 5x3 4x4 6x6 40000x40000"
