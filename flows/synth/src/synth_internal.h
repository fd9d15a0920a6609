/* Pieces of the synthesis flow shared between its files. */
#ifndef NIBBLE_SYNTH_INTERNAL_H
#define NIBBLE_SYNTH_INTERNAL_H

#include "nibble/design.h"
#include "nibble/synth.h"

#define STAT_MAX_MODULES 160
#define STAT_MAX_TYPES 64

/* One module of a Yosys `stat -liberty` report. */
typedef struct stat_module {
    char name[256];
    double own_area;               /* liberty cells of this module only */
    int ntypes;
    char type[STAT_MAX_TYPES][256]; /* cell types and sub-modules */
    int count[STAT_MAX_TYPES];
} stat_module;

typedef struct stat_report {
    stat_module mod[STAT_MAX_MODULES];
    int n;
} stat_report;

bool stat_parse(const char *path, stat_report *r, nb_err *err);
/* Area of a module with everything it instantiates (0 if absent). */
double stat_total_area(const stat_report *r, const char *module);
/* Liberty cells of a module and its children; flip-flops and latches among
 * them (cell types listed in `sequential`, "|A|B|"). */
int stat_total_cells(const stat_report *r, const char *module, const char *sequential, int *flops);

#define SYNTH_MAX_LIBERTY_FILES 16

/* The library a run uses (resolved from constraints/libraries.json). */
typedef struct synth_library {
    char name[64];
    char source[1024];  /* the user's files, resolved, comma-separated (reported in results) */
    char files[SYNTH_MAX_LIBERTY_FILES][1024];
    int n_files;
    char liberty[1024]; /* the mappable library in the cache: what Yosys, OpenSTA and power read */
    char sequential[16384]; /* mappable flip-flop and latch cells, "|A|B|" (from ff/latch groups) */
    char note[4096];    /* cells left out of mapping, and why ("" when none) */
    double clock_ns, input_slew_ns;
    char entry_hash[33]; /* the libraries.json entry the defaults came from (cache key) */
    /* the shortest period any design can meet: the fastest flip-flop's
     * clock-to-Q plus its setup time (SYNTH_MIN_PERIOD_NS if the liberty
     * holds no flip-flop timing) */
    double min_period_ns, floor_clk_q_ns, floor_setup_ns;
    char floor_cell[128]; /* "" when the generic floor applies */
} synth_library;

/* No standard-cell flip-flop switches and sets up in under 10 ps. */
#define SYNTH_MIN_PERIOD_NS 0.01

/* The library, and the clock period (from --clock, the SDC or the library's
 * default), checked against the library's floor. */
bool synth_library_resolve(const nb_synth_opts *o, synth_library *lib, nb_err *err);
/* The clock period of an SDC file (its create_clock -period), for fmax. */
bool synth_sdc_period(const char *sdc, double *period_ns, nb_err *err);
/* Refuse a period below lib->min_period_ns; `source` names where it came
 * from ("SDC file X", "--clock 0.001"). */
bool synth_period_check(const synth_library *lib, double period_ns, const char *source, nb_err *err);

/* One Yosys run: synthesize `top` from files into work/<tag>.*; writes the
 * netlist (Verilog and JSON) when netlist is true. */
bool synth_yosys(const char *work, const char *tag, char (*files)[4608], int nfiles, const char *top,
                 bool flatten, bool netlist, const synth_library *lib, double period_ns,
                 stat_report *stat, nb_err *err);

/* OpenSTA on work/array.v: slack, critical path, its own power estimate. */
typedef struct sta_result {
    double slack_ns, power_w;
} sta_result;
bool synth_sta(const char *work, const synth_library *lib, const char *sdc, double activity,
               sta_result *out, nb_err *err);

/* Gate-level power: simulate work/array.v on a workload, weight the toggles. */
bool synth_power(const char *work, const char *design_dir, const nb_design *d,
                 const synth_library *lib, double clock_ns, nb_synth_result *r, FILE *log,
                 nb_err *err);

/* Verilog models of the library's cells from their liberty functions, cached
 * per liberty file; writes the path of cells.v. */
bool synth_cell_models(const synth_library *lib, char *path, size_t len, nb_err *err);
/* The workload gate-level power is measured on, for activation format asel. */
struct nb_workload_spec;
void synth_power_workload(const nb_design *d, int asel, struct nb_workload_spec *ws);
/* The provenance of the library's file as the user gave it (synth_liberty_id.c):
 * liberty_file, liberty_xxh128, library_name, process, voltage_v, temperature_c. */
bool synth_liberty_identity(const synth_library *lib, nb_synth_provenance *p, nb_err *err);

/* A path that can go into a Yosys or OpenSTA script as it is (synth_paths.c). */
bool synth_script_path_ok(const char *what, const char *path, nb_err *err);

#endif
