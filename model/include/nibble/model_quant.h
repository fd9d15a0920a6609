/* Every linear layer of a model on a design's arithmetic (model/README.md):
 * weights quantized once with the weight format (groups of G along the input
 * dimension, a shorter last group allowed, or one scale per output channel),
 * activations quantized per token with the activation format, the integer
 * partial sums of each group from the bit-exact GEMM model of the array
 * (nb_gemm_fast, the C model's fast-forward), and the scales applied as the
 * golden library defines (nb_workload_dequantize). */
#ifndef NIBBLE_MODEL_QUANT_H
#define NIBBLE_MODEL_QUANT_H

#include "nibble/design.h"
#include "nibble/model.h"
#include "nibble/quant.h"

typedef struct nb_qlinear_opts {
    size_t group;          /* weight scaling group along the input dimension; 0 = per channel */
    bool classifier;       /* also quantize the classifier (off by default) */
    nb_rounding rounding;
} nb_qlinear_opts;

nb_qlinear_opts nb_qlinear_opts_default(void);

typedef struct nb_qlinear nb_qlinear;

/* Quantize every weight matrix once for format pair (wsel, asel) of the
 * design. Refuses a group size of 0 given as a group (use per channel), and
 * OverQ activations (not modelled on real activations yet). */
nb_qlinear *nb_qlinear_new(const nb_llama *m, const nb_design *d, int wsel, int asel,
                           const nb_qlinear_opts *o, nb_err *err);
nb_linear_hook nb_qlinear_hook(nb_qlinear *q);
void nb_qlinear_free(nb_qlinear *q);

#endif
