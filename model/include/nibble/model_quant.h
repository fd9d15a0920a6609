/* Every linear layer of a model on a design's arithmetic (model/README.md):
 * weights quantized once with the weight format (groups of G along the input
 * dimension, a shorter last group allowed, or one scale per output channel),
 * activations quantized per token with the activation format, the integer
 * partial sums of each group from the bit-exact GEMM model of the array
 * (nb_gemm_fast, the C model's fast-forward, by default; or the Verilated RTL
 * driven cycle by cycle, see nb_qlinear_backend), and the scales applied as the
 * golden library defines (nb_workload_dequantize). */
#ifndef NIBBLE_MODEL_QUANT_H
#define NIBBLE_MODEL_QUANT_H

#include "nibble/design.h"
#include "nibble/model.h"
#include "nibble/quant.h"
#include "nibble/sim.h"

/* Where the integer partial sums of each layer come from. Every backend gives
 * the same numbers (tests/model/test_rtl_partials.c holds the RTL to the fast
 * model); the RTL ones are for checking that, and are slow. */
typedef enum nb_qlinear_backend {
    NB_QLINEAR_FAST,        /* nb_gemm_fast: the C cycle model's fast-forward (default) */
    NB_QLINEAR_CMODEL,      /* nb_gemm_run on the stepped C cycle model */
    NB_QLINEAR_VERILATOR,   /* nb_gemm_run on the design's Verilated RTL (sim/ builds it) */
} nb_qlinear_backend;

/* "fast", "c" or "verilator"; an error naming the choices otherwise. */
bool nb_qlinear_backend_parse(const char *s, nb_qlinear_backend *out, nb_err *err);
const char *nb_qlinear_backend_name(nb_qlinear_backend b);

/* Called after every quantized linear layer with its GEMM (codes, shape,
 * group), its integer partial sums seg[segments][M][N] (nb_gemm_num_segments)
 * and the backend's statistics (cycles): to capture or compare them. On a
 * block-scaled design the job also carries the block scale codes
 * (job->w_scales [N][segments], job->a_scales [M][segments]; a segment is a
 * block) and job->facc_out [M][N] holds the array's binary32 results, before
 * the per-tensor FP32 epilogue of "+fp32" formats (NVFP4). */
typedef void (*nb_qlinear_observer)(void *ctx, int id, const nb_gemm_job *job,
                                    const int64_t *seg, const nb_gemm_stats *st);

typedef struct nb_qlinear_opts {
    size_t group;          /* weight scaling group along the input dimension; 0 = per channel.
                            * Block-scaled designs: must be 0 (the block is their scaling) */
    /* Block-scaled designs: choose the block scales by this rule instead of
     * the design's (nb_workload_block_formats: each side whose scale format
     * takes it); refused on other designs */
    bool scale_rule_set;
    nb_scale_rule scale_rule;
    bool classifier;       /* also quantize the classifier (off by default) */
    nb_rounding rounding;
    nb_qlinear_backend backend;
    /* RTL backends: the generated design directory of `d` (nibble gen); NULL
     * writes the design into a temporary directory under the cache, removed
     * by nb_qlinear_free. Its model is built once (cached by content hash). */
    const char *design_dir;
    FILE *log;             /* RTL backends: model build progress (NULL: none) */
    nb_qlinear_observer observe;
    void *observe_ctx;
} nb_qlinear_opts;

nb_qlinear_opts nb_qlinear_opts_default(void);

typedef struct nb_qlinear nb_qlinear;

/* Quantize every weight matrix once for format pair (wsel, asel) of the
 * design. Refuses a group size of 0 given as a group (use per channel), and
 * OverQ activations (not modelled on real activations yet). A block-scaled
 * design (d->block_scaled) quantizes its weights with the design's weight
 * block format (blocks along the input dimension, nb_block_quantize) and each
 * call's activations with its activation block format (blocks along K per
 * token; an NVFP4 tensor scale over the call's tokens); refuses a group. An
 * RTL backend is
 * opened here (its model built if needed), so a missing verilator or a failed
 * build is reported before any token runs. */
nb_qlinear *nb_qlinear_new(const nb_llama *m, const nb_design *d, int wsel, int asel,
                           const nb_qlinear_opts *o, nb_err *err);
nb_linear_hook nb_qlinear_hook(nb_qlinear *q);
/* A block-scaled design's block formats as used (the rule applied), weights
 * (true) or activations; NULL on other designs. */
const nb_block_format *nb_qlinear_block_format(const nb_qlinear *q, bool weights);
void nb_qlinear_free(nb_qlinear *q);

/* Totals over the quantized layers run so far: GEMMs, their MACs and the
 * array's clock cycles (the same for every backend). */
typedef struct nb_qlinear_totals {
    uint64_t gemms, macs, cycles;
} nb_qlinear_totals;
nb_qlinear_totals nb_qlinear_get_totals(const nb_qlinear *q);

#endif
