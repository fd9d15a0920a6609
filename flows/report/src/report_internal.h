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
/* Accumulator width of every design of the report */
#define RP_ACC_BITS 24

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
    bool array_power;          /* --array-power: the headline power is the whole array's */
    /* Block-scaled designs (--blocks, report_blocks.c): the array includes the
     * scale stage below its columns; twin is the same element formats on an
     * ordinary integer array, its group scales applied in software */
    bool block;
    bool is_twin, twin_only;   /* some block design's twin; added only as one */
    const struct rp_design *twin;  /* block: its twin (an entry of rp_report.designs) */
    size_t block_size;
    char w_scale[16], a_scale[16], rule[16]; /* scale formats, default scale rule */
    char w_elem[NB_NAME_MAX], a_elem[NB_NAME_MAX];
    int scale_latency, scale_term_stages, scale_add_stages;
    double twin_sqnr_block;    /* block: the twin's GEMM SQNR in groups of block_size */
} rp_design;

/* A row of the scale-rule tables (scale_rules.csv): a block design's GEMM
 * under one scale rule (kind "gemm", format = design label), or an element
 * format's quantization SQNR on the synthetic weights under
 * mx:ELEM/e8m0/32/RULE (kind "tensor", format = element). */
typedef struct rp_rule_row {
    char kind[8], format[640], block_format[NB_NAME_MAX + 64], rule[16];
    bool is_default;
    double sqnr_db, mse;
} rp_rule_row;

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
    rp_rule_row *rules;
    int nrules, rules_cap;
    char findings[16384];
    char block_findings[8192]; /* the "Block scales in hardware" section's sentences */
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

/* A design's measured power and energy per MAC: the whole array's with
 * --array-power, else its PE's; a block design's (without --array-power) is
 * "PE+stage": its twin's PE plus the scale stage's share measured in the
 * real arrays, (block array - twin array) per MAC (energy) or per PE (power);
 * NaN when not measured. The one place this is decided. */
double rp_power_mw(const rp_design *d);
double rp_energy_pj(const rp_design *d);
const char *rp_power_of(const rp_design *d);  /* "array", "PE", "PE+stage" or "" */
/* The synthesis result the power figures come from (its provenance) */
const nb_synth_result *rp_power_result(const rp_design *d);

void rp_progress(const rp_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

bool rp_load_tensors(rp_report *r, nb_err *err);
bool rp_plan_designs(rp_report *r, nb_err *err);
/* Append the design w x a (an OverQ one with a = "overq" and its depth) with
 * its PE (report_synth.c). */
bool rp_add_design(rp_report *r, const char *w, const char *a, int cascade, nb_err *err);
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

/* Block-scaled designs (report_blocks.c): --blocks checked before any work
 * (rows the array size); the block designs and their twins planned; their
 * GEMM accuracy (headline at the default rule, every admitted rule, the
 * twin in groups of the block size) and the element formats under E8M0
 * rules on the synthetic weights; findings; scale_rules.csv and JSON. */
bool rp_check_blocks(const char *blocks, int rows, nb_err *err);
bool rp_has_blocks(const rp_report *r);
bool rp_plan_blocks(rp_report *r, nb_err *err);
bool rp_block_accuracy(rp_report *r, const nb_workload_spec *base, nb_err *err);
void rp_block_findings(rp_report *r, size_t *n);
bool rp_write_block_table(const rp_report *r, nb_err *err);
json_t *rp_blocks_json(const rp_report *r);
/* Append an accuracy row (report_accuracy.c). */
bool rp_push_acc(rp_report *r, const char *tensor, const char *format, const char *scaling,
                 const char *role, double sqnr_db, double mse, nb_err *err);

/* A number for report.json; NaN and infinities (no JSON spelling) are null
 * (report_tables.c). */
json_t *rp_json_num(double v);

#endif
