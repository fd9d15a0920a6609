/* Co-simulation regression: every (weight, activation) format pair of a set
 * of generated arrays, run through Verilator and SystemC against the C cycle
 * model (every output of every cycle) and the golden library (every result). */
#ifndef NIBBLE_REGRESS_H
#define NIBBLE_REGRESS_H

#include <stdio.h>

#include "nibble/sim.h"

typedef struct nb_regress_opts {
    bool full;               /* the exhaustive matrix (16x16 arrays, more GEMMs) */
    const char *formats;     /* only pairs whose formats are all in this list, or NULL */
    const char *only;        /* only the configuration of this name, or NULL */
    const char *config_dir;  /* regress this existing generated design instead */
    bool allow_edited_rtl;   /* config_dir: run Verilog that differs from its manifest's hashes */
    const char *waves_dir;   /* where failing runs write waveforms */
    bool build_only;         /* generate and build every model, run nothing */
    bool systemc;            /* include the SystemC backends */
    uint64_t seed;
    FILE *log;               /* progress and results */
} nb_regress_opts;

/* 0: all passed; 1: a check failed; 2: could not run (err says why). */
int nb_regress(const nb_regress_opts *o, nb_err *err);

/* The names of the built-in regression configurations (for --help). */
void nb_regress_list(FILE *out, bool full);

/* Where PE(k, n) went wrong for the vector presented at cycle t_in, read from
 * a waveform of the RTL: the first PE of column `col` whose partial-sum
 * register disagrees with psum_in + golden product of the operands it saw. */
typedef struct nb_pe_fault {
    bool found;
    int row, col;
    int64_t cycle;                  /* cycle whose clock edge wrote the wrong value */
    unsigned w_code, a_code, wsel, asel;
    int64_t psum_in, expected, actual;
} nb_pe_fault;

bool nb_diagnose_column(const nb_design *d, const char *vcd_path, int64_t t_in, int col,
                        nb_pe_fault *out, nb_err *err);

#endif
