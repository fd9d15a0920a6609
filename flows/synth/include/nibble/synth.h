/* Synthesis, timing and power of a generated design on a standard-cell library:
 * Yosys maps it (dfflibmap + abc -liberty, timing-driven by the clock), OpenSTA
 * times it, and power comes from the toggles of the gate-level netlist
 * simulated on a realistic workload, weighted with the liberty's energies
 * (see flows/README.md). Results are cached by a content hash of everything
 * that goes in: RTL, scripts, constraints, library and tool versions. */
#ifndef NIBBLE_SYNTH_H
#define NIBBLE_SYNTH_H

#include <jansson.h>
#include <stdio.h>

#include "nibble/design.h"
#include "nibble/error.h"

typedef struct nb_synth_opts {
    const char *library;   /* a name from constraints/libraries.json (NULL: its default) */
    const char *liberty;   /* or a liberty file of the user's own (.lib or .lib.gz; a comma
                              list of files makes one library) */
    const char *liberty_dir; /* where relative library files are looked for before
                                $NIBBLE_LIBERTY_DIR (NULL: only there) */
    double clock_ns;       /* 0: the library's default */
    const char *sdc;       /* the user's SDC instead of constraints/clock.sdc.in */
    bool power;            /* gate-level simulation power (slower) */
    bool force;            /* ignore the cache */
    bool cached_only;      /* never synthesize: a result not in the cache is an error */
    FILE *log;             /* progress lines, or NULL */
} nb_synth_opts;

nb_synth_opts nb_synth_opts_default(void);

/* Where a result's numbers come from: the library file (by content), the
 * workload behind its power, the tools and the nibble that made it (the one
 * that ran the tools: a cached result keeps its maker's version and commit). */
typedef struct nb_synth_provenance {
    /* the liberty's file name without its directory, and the XXH128 of its
     * bytes as `xxhsum -H2 FILE` prints it (comma-separated lists when a
     * library is given as several files) */
    char liberty_file[1024];
    char liberty_xxh128[16 * 33];
    char library_name[128];    /* the file's library(...) name */
    double process;            /* the file's nom_process, nom_voltage (in V) and */
    double voltage_v;          /* nom_temperature (C); NaN where it gives none */
    double temperature_c;
    /* the activity power was measured with ("" and 0 without power); the cycles
     * simulated are power_cycles */
    char workload[256];        /* e.g. "gemm 64x4x2 weights t:5 in int4, acts relu-t:5 in uint4" */
    unsigned long long seed;   /* the workload's PRNG seed */
    /* `yosys -V`, `sta -version`, `verilator --version` ("" when not run) */
    char yosys[160], opensta[64], verilator[160];
    char nibble_version[32], nibble_commit[64]; /* commit "" when not built from a checkout */
} nb_synth_provenance;

typedef struct nb_synth_result {
    /* the design */
    char name[256];
    char weights[512], acts[512];
    int rows, cols, acc_bits, pipeline, cascade; /* cascade -1: no OverQ */
    char acc_mode[8], overq_mode[24];
    bool overq_encoder;
    /* the library and clock (liberty: its files, comma-separated) */
    char library[64], liberty[1024];
    double clock_ns;
    /* area (um^2) and cells */
    double area_array, area_pe, area_pe_decoders, area_pe_baseline, area_encoder;
    int cells_array, flops_array, cells_pe;
    /* timing: worst setup slack at the clock; met when it is not negative */
    double slack_ns, critical_ns, fmax_mhz;
    /* power at the clock (mW) from gate-level toggles; OpenSTA's for comparison */
    bool has_power;
    double power_mw, power_internal_mw, power_switching_mw, power_leakage_mw;
    double sta_power_mw, input_activity;
    double energy_per_mac_pj;
    unsigned long long power_cycles, power_macs;
    int nets_without_toggles;
    bool gate_level_match;  /* the netlist matched the C model on every cycle */
    nb_synth_provenance prov;
    /* bookkeeping */
    char key[33];
    bool cached;
    double seconds;
} nb_synth_result;

/* Check the library, clock, SDC and tools of opts before running anything
 * (sweeps call it once instead of failing every job). A clock period below
 * what the library's fastest flip-flop allows (clock-to-Q + setup) is an
 * error naming the SDC file or --clock. */
bool nb_synth_check(const nb_synth_opts *opts, nb_err *err);

/* What a run with opts would use, as its results will report it. */
typedef struct nb_synth_setup {
    char library[64], liberty[1024];
    double clock_ns;     /* from --clock, the SDC or the library's default */
    double min_clock_ns; /* the library's floor (fastest flip-flop: clock-to-Q + setup) */
} nb_synth_setup;
/* nb_synth_check, also filling setup. */
bool nb_synth_check_setup(const nb_synth_opts *opts, nb_synth_setup *setup, nb_err *err);

/* Synthesize the generated design in design_dir (or fetch it from the cache).
 * A failed run keeps its work directory (tool logs, scripts) as
 * $NIBBLE_CACHE_DIR/synth/failed/<key>, and the error names the log there. */
bool nb_synth_run(const char *design_dir, const nb_synth_opts *opts, nb_synth_result *out, nb_err *err);

/* Timing is met when the worst slack at the clock is not negative. */
static inline bool nb_synth_timing_met(const nb_synth_result *r)
{
    return r->slack_ns >= 0;
}

/* Energy per action of a synthesized design (for Accelergy's energy reference
 * table), each from its own gate-level simulation of the netlist the cached
 * synthesis result r was measured on, weighted like r's power (see
 * flows/README.md, "Energy per action"). Deterministic; cached beside r. */
typedef struct nb_synth_actions {
    int nw, na;
    /* per useful MAC over synthesis's power workload run in formats (w, a):
     * everything the run takes (loads, fill, drain) over its M*N*K MACs;
     * mac_pj[0][0] is r->energy_per_mac_pj */
    double mac_pj[NB_SET_MAX][NB_SET_MAX];
    unsigned long long mac_cycles[NB_SET_MAX][NB_SET_MAX], mac_macs[NB_SET_MAX][NB_SET_MAX];
    /* one clock cycle of the whole array with weights held and no valid
     * input; one clock cycle loading one row (cols weights), no valid input.
     * Each is the difference of two runs that differ only in that many
     * (idle_cycles, load_cycles) more such cycles, divided by it. */
    double idle_cycle_pj, load_cycle_pj;
    unsigned long long idle_cycles, load_cycles;
    unsigned long long seed; /* of the workloads */
} nb_synth_actions;

/* Needs r->has_power and r's netlist in the synthesis cache (a result of
 * nb_synth_run with the same opts). Errors name what is missing. */
bool nb_synth_actions_measure(const char *design_dir, const nb_synth_opts *opts,
                              const nb_synth_result *r, nb_synth_actions *out, nb_err *err);

json_t *nb_synth_result_to_json(const nb_synth_result *r);
bool nb_synth_result_from_json(json_t *j, nb_synth_result *r, nb_err *err);
/* One CSV header line and rows (no trailing newline handling needed by callers). */
void nb_synth_csv_header(FILE *f);
void nb_synth_csv_row(FILE *f, const nb_synth_result *r);
/* The provenance columns alone, without a separator at either end (the
 * report's designs.csv appends them too). */
void nb_synth_csv_provenance_header(FILE *f);
void nb_synth_csv_provenance(FILE *f, const nb_synth_result *r);

#endif
