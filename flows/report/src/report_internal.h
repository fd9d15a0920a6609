/* The report's tables and the pieces that fill and print them. */
#ifndef NIBBLE_REPORT_INTERNAL_H
#define NIBBLE_REPORT_INTERNAL_H

#include <jansson.h>

#include "nibble/csv.h"
#include "nibble/model_eval.h"
#include "nibble/model_setup.h"
#include "nibble/report.h"
#include "nibble/sweep.h"
#include "nibble/synth.h"
#include "nibble/workload.h"

#define RP_MAX 256

/* A tensor the accuracy is measured on: synthetic or from a file. */
typedef struct rp_tensor {
    char name[300], source[300];
    size_t rows, cols;
    float *data;
    bool fitted;               /* Student-t MLE below is valid */
    double nu, loc, scale, loglik, normal_loglik;
} rp_tensor;

/* Accuracy of one format and scaling on one tensor (role weight or act), or
 * of one design's GEMM with that weight tensor (role gemm; format = design). */
typedef struct rp_acc_row {
    char tensor[300], format[640], scaling[32], role[8]; /* format: a name or design label */
    double sqnr_db, mse;
} rp_acc_row;

/* A way of choosing quantization scales (per channel, groups, clipping). */
typedef struct rp_scaling {
    const char *name, *title;  /* "group128", "groups of 128" */
    nb_granularity g;
    size_t group;
    double clip;               /* 0: the report's --clip */
} rp_scaling;
extern const rp_scaling RP_SCALINGS[];
extern const int RP_NSCALINGS;

/* One design: its synthesis (array and PE) and its GEMM-level accuracy. */
typedef struct rp_design {
    char label[640];           /* e.g. "sf4 x uint4"; two names of up to 255 characters fit */
    nb_sweep_point array, pe;
    nb_synth_result syn_array, syn_pe;
    bool has_pe;
    nb_gemm_accuracy gemm;
    /* frontiers */
    bool front_area, front_power, front_energy;
} rp_design;

/* A library of --library; the first drives the report. With two or more, pe
 * holds its results for the compared PEs (rp_report.cmp, in that order). */
#define RP_MAX_LIBS 8
typedef struct rp_library {
    char name[64];
    nb_synth_result *pe;
} rp_library;

typedef struct rp_report {
    const nb_report_opts *o;
    char tmp_dir[4200];
    rp_tensor tensors[RP_MAX];
    int ntensors;
    rp_acc_row *acc;
    int nacc, acc_cap;
    rp_design designs[RP_MAX];
    int ndesigns;
    /* PEs synthesized only for the area comparison of the E2M1 family */
    nb_sweep_point extra_pe[8];
    nb_synth_result extra_syn[8];
    int nextra;
    rp_library libs[RP_MAX_LIBS];
    int nlibs;
    nb_sweep_point cmp[RP_MAX]; /* PEs compared across libraries */
    int ncmp;
    char findings[8192];
    char versions[1024];
    double seconds;
    struct rp_model *model;    /* --model given: the model accuracy (report_model.c) */
} rp_report;

/* One design at one weight scaling, run on the model. */
typedef struct rp_model_row {
    int design;                /* index into rp_report.designs */
    size_t group;              /* weight scaling group; 0 per channel */
    nb_eval_result res;        /* res.failed: not run, res.error says why */
    bool front_area, front_energy;
} rp_model_row;

typedef struct rp_model {
    nb_eval_data data;
    size_t groups[NB_EVAL_GROUPS_MAX];
    int ngroups;
    nb_eval_result fp32;
    rp_model_row *rows;
    int nrows;
} rp_model;

/* A design's measured power and energy per MAC: the whole array's when it
 * was simulated (--array-power), else its PE's; NaN when neither was. */
double rp_power_mw(const rp_design *d);
double rp_energy_pj(const rp_design *d);
const char *rp_power_of(const rp_design *d);  /* "array", "PE" or "" */

void rp_progress(const rp_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

bool rp_load_tensors(rp_report *r, nb_err *err);
bool rp_plan_designs(rp_report *r, nb_err *err);
bool rp_tensor_accuracy(rp_report *r, nb_err *err);
bool rp_gemm_accuracy(rp_report *r, nb_err *err);
bool rp_synthesize(rp_report *r, nb_err *err);
void rp_pareto(rp_report *r);
void rp_findings(rp_report *r);
bool rp_write_tables(const rp_report *r, nb_err *err);
bool rp_write_plots(const rp_report *r, nb_err *err);
bool rp_write_markdown(const rp_report *r, nb_err *err);
bool rp_write_html(const rp_report *r, nb_err *err);

/* path = tmp_dir/name */
void rp_path(const rp_report *r, char *buf, size_t len, const char *name);

/* Write user text (a format name, codebook path, tensor name) into Markdown:
 * characters that start emphasis, code, links or HTML, or end a table cell,
 * are backslash-escaped; control characters become spaces (report_escape.c). */
void rp_md_text(FILE *f, const char *s);

/* --library (report_libraries.c): every name resolves (before anything is
 * written); the other libraries' PEs, their table, plot and findings, each a
 * no-op with one library. */
bool rp_check_libraries(rp_report *r, nb_err *err);
bool rp_synthesize_libraries(rp_report *r, nb_err *err);
void rp_library_findings(rp_report *r);
bool rp_write_library_table(const rp_report *r, nb_err *err);
bool rp_write_library_plot(const rp_report *r, nb_err *err);
json_t *rp_libraries_json(const rp_report *r);
/* Library lib's result for the compared PE weights x acts, or NULL. */
const nb_synth_result *rp_library_pe(const rp_report *r, int lib, const char *weights, const char *acts);
void rp_free_libraries(rp_report *r);
/* Model accuracy (report_model.c): the options checked and the model, tokenizer
 * and text loaded before any work; every design run on it; its frontiers
 * (array area and energy per MAC against perplexity), findings, model.csv and
 * the JSON object. */
bool rp_model_prepare(const nb_report_opts *o, rp_model **out, nb_err *err);
void rp_model_free(rp_model *m);
bool rp_model_accuracy(rp_report *r, nb_err *err);
void rp_model_pareto(rp_report *r);
void rp_model_findings(rp_report *r);
bool rp_model_table(const rp_report *r, nb_err *err);
json_t *rp_model_json(const rp_report *r);
/* "int4 x int8", with " g128" / " channel" when the report has several scalings */
void rp_model_label(const rp_report *r, const rp_model_row *m, char *buf, size_t len);

/* A scatter plot with its Pareto frontier (report_plots.c): x[i] * unit
 * against y[i]; front[i] marks the frontier; better names the good corner
 * ("higher-left"). Points with a non-finite coordinate are left out; no
 * point at all: no plot. */
typedef struct rp_scatter {
    const char *name, *title, *what, *xlabel, *ylabel, *better;
    double unit;
    int n;
    const double *x, *y;
    const bool *front;
    const char *const *label;
} rp_scatter;
bool rp_plot_scatter(const rp_scatter *s, const char *dir, nb_err *err);
bool rp_model_plots(const rp_report *r, const char *dir, nb_err *err);

/* --formats, --acts and --overq are well-formed (report_opts.c). */
bool rp_check_opts(const nb_report_opts *o, nb_err *err);

/* A number for report.json; NaN and infinities (no JSON spelling) are null
 * (report_tables.c). */
json_t *rp_json_num(double v);

#endif
