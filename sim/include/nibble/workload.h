/* A quantized GEMM workload: float tensors from a distribution (or given),
 * quantized by the golden quantizer exactly as the hardware will see them,
 * the job for the array, and the float reference to measure error against. */
#ifndef NIBBLE_WORKLOAD_H
#define NIBBLE_WORKLOAD_H

#include "nibble/block_quant.h"
#include "nibble/quant.h"
#include "nibble/random.h"
#include "nibble/sim.h"

typedef struct nb_workload {
    size_t M, N, K, group;        /* group: scaling group along K (== segment) */
    float *w;                     /* [N][K] weights */
    float *a;                     /* [M][K] activations */
    nb_qtensor wq, aq;
    uint16_t *a_values;           /* [M][K] OverQ encoder inputs (OverQ activations only) */
    uint8_t *a_tags;              /* [M][K] OverQ tags (OverQ activations only) */
    nb_gemm_job job;
    double *reference;            /* [M][N] float GEMM of w and a */
    /* Block-scaled designs: the design's block formats (the scale rule as
     * the workload asks), the block-quantized tensors the job points at, and
     * the array's binary32 accumulators the job writes (job.facc_out). */
    bool block;
    nb_block_format wbf, abf;
    nb_block_qtensor wbq, abq;
    float *facc;                  /* [M][N] */
    /* the design's fixed-point accumulator (--scale-acc fixed): the golden
     * is then nb_block_gemm_fixed */
    bool fixed_acc;
    nb_block_fixed_acc fixed;
} nb_workload;

/* Shapes and sources. group 0 = one group over all of K. */
typedef struct nb_workload_spec {
    size_t M, K, N, group;
    nb_dist wdist, adist;
    uint64_t seed;
    /* optional: given tensors ([N][K] weights, [M][K] activations) instead of
     * samples from the distributions; copied */
    const float *w_data, *a_data;
    double clip;                  /* clipping quantile of the quantizer (0: 1, absmax) */
    double overq_scale_div;       /* OverQ: divide the plain-4-bit MSE scale by this (0: 1);
                                   * > 1 makes more outliers, to stress the overwrite paths */
    /* Block-scaled designs: choose the scales by this rule instead of the
     * design's (a quantizer choice, not hardware; it must fit the scale format) */
    bool block_rule_set;
    nb_scale_rule block_rule;
    /* Block-scaled designs: an integer GEMM instead (element codes under
     * software group scales of `group`, no scale codes, the stage idle), as
     * on any other design; for checks of the integer datapath alone */
    bool integer_job;
} nb_workload_spec;

/* OverQ activations: negatives count as zero, each row of each group gets the
 * scale that is best for plain 4-bit (nb_overq_mse_scale), and the slots are
 * encoded per array tile (or left to the design's encoder block; a_tags and
 * aq.codes then still hold the golden encoding, for statistics). */
bool nb_workload_make(const nb_design *d, int wsel, int asel, const nb_workload_spec *spec,
                      nb_workload *wl, nb_err *err);
/* Scale each segment's integer result back to real numbers: y is [M][N]. */
void nb_workload_dequantize(const nb_design *d, const nb_workload *wl, const int64_t *seg_out,
                            double *y);
/* A block-scaled design's block formats with a scale rule (rule_set) instead
 * of the design's: the rule applies to each side whose scale format takes it
 * (floor, rceil, even: e8m0; nearest: ue4m3, fp16, bf16) and is refused when
 * it fits neither; the canonical names end in the rule used. Refused on a
 * design without block scales. (nb_workload_make and the model runner.) */
bool nb_workload_block_formats(const nb_design *d, bool rule_set, nb_scale_rule rule,
                               nb_block_format *wbf, nb_block_format *abf, nb_err *err);
/* Block-scaled designs (nb_workload.block): weights and activations are
 * block-quantized along K with the design's block formats (group, clip and the
 * scaling options do not apply), the job carries the scale codes with
 * group = the design's block and writes the array's binary32 accumulators to
 * wl->facc. The GEMM's result is those accumulators times the per-tensor
 * scales (NVFP4's FP32 epilogue, done by the host); this gives it from facc. */
void nb_workload_block_output(const nb_workload *wl, const float *facc, float *out);
/* The golden result of the same GEMM (nb_block_gemm, epilogue included;
 * nb_block_gemm_fixed on a design with the fixed-point accumulator). */
bool nb_workload_block_golden(const nb_workload *wl, float *out, nb_err *err);
/* Whether a run's results are the golden ones: the integer segment sums
 * seg_out against nb_gemm_golden, and on block designs the binary32 results
 * in wl->facc against nb_workload_block_golden (NaN matches any NaN). */
bool nb_workload_matches(const nb_design *d, const nb_workload *wl, const int64_t *seg_out,
                         bool *match, nb_err *err);
void nb_workload_free(nb_workload *wl);

/* GEMM-level accuracy: the workload run through the bit-exact C model
 * (fast-forward) with the design's real accumulator, dequantized, against
 * the float GEMM of the unquantized tensors. Block-scaled designs: the
 * array's own scale stage (binary32 block terms and accumulation) gives the
 * result, nothing is dequantized in software. */
typedef struct nb_gemm_accuracy {
    double sqnr_db, mse;
    uint64_t cycles;
    double utilization;
} nb_gemm_accuracy;

bool nb_gemm_accuracy_run(const nb_design *d, int wsel, int asel, const nb_workload_spec *spec,
                          nb_gemm_accuracy *out, nb_err *err);

/* Parse "MxKxN" (e.g. 256x256x256). */
bool nb_parse_gemm_shape(const char *s, size_t *M, size_t *K, size_t *N, nb_err *err);

#endif
