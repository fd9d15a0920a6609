/* The area-versus-accuracy report (the main job): accuracy of every format on
 * t-distributed and the user's real tensors, GEMM-level accuracy through the
 * bit-exact C model, synthesis of every design (arrays and PEs), Pareto
 * frontiers, written as HTML (inline SVG), Markdown, CSV, JSON and gnuplot
 * SVG/PNG plots. The output directory appears complete or not at all. */
#ifndef NIBBLE_REPORT_H
#define NIBBLE_REPORT_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "nibble/error.h"

typedef struct nb_report_opts {
    const char *out_dir;
    const char *library;        /* libraries.json names, comma separated (NULL: the default);
                                 * the first drives the report, the others are compared */
    const char *formats;        /* weight formats, comma separated */
    const char *acts;           /* activation formats of the designs */
    const char *overq;          /* OverQ cascade depths to add as designs ("" none) */
    const char *blocks;         /* block-scaled designs, comma separated, each W (weights and
                                 * activations W) or W@A; each gets its software twin, the
                                 * element formats with software scales ("" none) */
    const char *const *tensors; /* .safetensors / .npy files (weights) */
    int ntensors;
    const char *select;         /* tensor names or globs, NULL all */
    int rows, cols;             /* array size */
    const char *weight_dist;    /* synthetic weights, e.g. "t:5" */
    const char *act_dist;       /* synthetic activations, e.g. "relu-t:5" */
    double clip;                /* quantizer clipping quantile */
    int jobs;
    bool power;                 /* gate-level power of the PEs */
    bool array_power;           /* ... and of the whole arrays (slower) */
    unsigned long long seed;
    FILE *progress;
    const volatile sig_atomic_t *cancel; /* set (by a signal handler): stop at the next step,
                                          * remove the partial report */
    /* Model accuracy (all NULL/0: no such section): a llama model run with
     * every linear layer on each design's arithmetic (model/README.md) */
    const char *model, *tokenizer, *text, *tokens;
    long lines;                 /* first N non-empty lines / rows; 0 all */
    const char *model_groups;   /* weight scalings of the model rows (NULL: "128") */
} nb_report_opts;

nb_report_opts nb_report_opts_default(void);

bool nb_report_run(const nb_report_opts *o, nb_err *err);

#endif
