/* Synthesis sweeps: a plan of designs (from a preset or built by the caller),
 * generated into DIR/designs/, synthesized as independent `nibble synth` jobs
 * (run here with -j N and a progress display, or emitted as a job list for
 * make, GNU parallel or a Slurm array), and collected into one table
 * (DIR/synth.csv, DIR/synth.json). DIR/plan.json records the plan so that
 * `--collect` works after the jobs ran elsewhere. */
#ifndef NIBBLE_SWEEP_H
#define NIBBLE_SWEEP_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "nibble/design.h"
#include "nibble/synth.h"

typedef struct nb_sweep_point {
    char name[128];            /* file-system safe, unique in a plan */
    char weights[256], acts[256];
    int rows, cols, acc_bits;
    int cascade;               /* OverQ depth (when acts holds "overq") */
    nb_overq_mode overq_mode;
    bool encoder;
} nb_sweep_point;

typedef struct nb_sweep_plan {
    nb_sweep_point *points;
    int n, cap;
} nb_sweep_plan;

/* Append a point; its name is derived from the parameters. */
bool nb_sweep_add(nb_sweep_plan *plan, const char *weights, const char *acts, int rows, int cols,
                  int acc_bits, int cascade, nb_overq_mode mode, bool encoder, nb_err *err);
void nb_sweep_plan_free(nb_sweep_plan *plan);

/* Named plans: pe-formats (every single-format PE), arrays (sizes for the cost
 * model), overq (cascade depths next to plain INT4). */
bool nb_sweep_preset(const char *name, nb_sweep_plan *plan, nb_err *err);
void nb_sweep_list_presets(FILE *out);

typedef struct nb_sweep_opts {
    const char *out_dir;
    int jobs;                  /* parallel jobs (>= 1) */
    bool power, force;
    const char *library, *liberty, *sdc;
    const char *liberty_dir;   /* passed on to each job's nibble synth */
    double clock_ns;           /* 0: the library's */
    FILE *progress;            /* progress lines, or NULL */
    const volatile sig_atomic_t *cancel; /* set (by a signal handler): start no more jobs */
} nb_sweep_opts;

/* The design of a point, as `nibble gen` would build it (the recorded command
 * is the equivalent gen command, so the same design hits the same cache entry
 * whichever tool generated it). */
nb_design *nb_sweep_design(const nb_sweep_point *p, nb_err *err);

/* Generate every design and write DIR/plan.json (the points, and the
 * resolved library, liberty, clock and power every result must have) and
 * DIR/jobs.txt. Checks the options (library, liberty, SDC, clock) and builds
 * every design first, and touches DIR only if they are sound and DIR is new,
 * empty or a sweep directory nibble marked (.nibble-output, see
 * nibble/output.h); then removes what an earlier sweep left in DIR (synth.csv,
 * synth.json, plan.json, job lists, results/ *.json, logs/ *.log), even when a
 * later step fails. */
bool nb_sweep_prepare(const nb_sweep_plan *plan, const nb_sweep_opts *o, nb_err *err);
/* Write a job list for another scheduler: "make", "parallel" or "slurm";
 * prints where it is and how to run it. */
bool nb_sweep_emit(const nb_sweep_plan *plan, const nb_sweep_opts *o, const char *kind, FILE *out,
                   nb_err *err);
/* Run the jobs here, o->jobs at a time. Returns the number of failed jobs
 * (their logs are named on progress), or -1 with err set. */
int nb_sweep_run(const nb_sweep_plan *plan, const nb_sweep_opts *o, nb_err *err);
/* Read back the plan a prepared directory holds. */
bool nb_sweep_load_plan(const char *out_dir, nb_sweep_plan *plan, nb_err *err);
/* Gather every result into DIR/synth.csv and DIR/synth.json (atomically);
 * refuses a directory nibble did not mark as a sweep; otherwise
 * fails, writing no table and removing an existing one, if any result is
 * missing, is of another design, or was made with other options than
 * DIR/plan.json records. results: n points, malloc'd, optional. */
bool nb_sweep_collect(const nb_sweep_plan *plan, const char *out_dir, nb_synth_result **results,
                      nb_err *err);

#endif
