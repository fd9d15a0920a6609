/* Quantization to a block format (nibble/block_format.h).
 *
 * Per block along the last axis (K) of a row-major [rows][cols] matrix, the
 * last block of a row being shorter when cols is not a multiple of the block:
 *   1. amax = max |x| over the block;
 *   2. the scale code from amax by the format's rule (nb_block_select_scale);
 *   3. each element: x / s rounded with the element format's quantizer
 *      (nb_round_to_code, rne where the element offers it, else ties to the
 *      lower value), where s = decoded scale (times the tensor scale T for
 *      "+fp32"). It divides by s; it never multiplies by a precomputed 1/s
 *      (that moves inputs across ties). The division is done in double and
 *      decides exactly like the rational x / s: x has 24 significant bits (a
 *      float; any double under E8M0, where the division is exact), s at most
 *      28 (UE4M3 4 + FP32 24) and a midpoint at most 18, so a double quotient
 *      can neither cross a midpoint nor land on one it is not on.
 * Edge cases, by definition:
 *   - an all-zero block: E8M0 code 0x00 (2^-127, there is no zero; the OCP
 *     reference code and torchao do the same), code 0 (zero) for UE4M3, FP16
 *     and BF16; every element the zero code. A nonzero block whose UE4M3/FP16
 *     scale rounds to zero is encoded the same way (all zero);
 *   - NVFP4: T = RNE_fp32(amax_tensor / (maxe * 448)); an all-zero tensor (or
 *     T rounding to 0) has T = 0 and every block as above;
 *   - NaN or infinite inputs are refused (error naming the index): a quantizer
 *     never emits the E8M0 NaN code 0xFF. Decoding 0xFF (or UE4M3 0x7F) gives
 *     NaN for every element of the block, and so does a GEMM block using it. */
#ifndef NIBBLE_BLOCK_QUANT_H
#define NIBBLE_BLOCK_QUANT_H

#include <stddef.h>
#include <stdint.h>

#include "nibble/block_format.h"

/* Scale code for a block maximum amax >= 0 (finite). tensor_scale is T for
 * "+fp32" formats and ignored otherwise. */
unsigned nb_block_select_scale(const nb_block_format *bf, double amax, double tensor_scale);

/* NVFP4's per-tensor scale for a tensor maximum: RNE_fp32(amax / (maxe * 448)). */
float nb_block_tensor_scale(const nb_block_format *bf, double amax);

/* Effective divisor of a block: decoded scale times T ("+fp32"), exact. NaN
 * for NaN codes, 0 for a zero scale. */
double nb_block_scale_value(const nb_block_format *bf, unsigned scale_code, double tensor_scale);

/* Element code of x for an effective scale s (> 0): x / s through the
 * element quantizer. s == 0 gives the zero code. */
uint8_t nb_block_encode_element(const nb_block_format *bf, double x, double s);

/* Quantize one block of n values (doubles, so every E8M0 exponent is
 * reachable in tests; the tensor API passes floats). */
void nb_block_quantize_block(const nb_block_format *bf, const double *x, size_t n,
                             double tensor_scale, uint8_t *codes, uint16_t *scale_code);

/* Exact value of a code under a scale code: elem.hw[code] * scale * T (at
 * most 17 + 11 + 24 significant bits: exact in double). */
double nb_block_decode(const nb_block_format *bf, uint8_t code, unsigned scale_code,
                       double tensor_scale);

typedef struct nb_block_qtensor {
    size_t rows, cols;
    size_t blocks_per_row;       /* ceil(cols / block) */
    const nb_block_format *bf;   /* borrowed */
    uint8_t *codes;              /* [rows][cols] */
    uint16_t *scales;            /* [rows][blocks_per_row] scale codes */
    float tensor_scale;          /* T for "+fp32", else 1 */
} nb_block_qtensor;

bool nb_block_quantize(const float *x, size_t rows, size_t cols, const nb_block_format *bf,
                       nb_block_qtensor *out, nb_err *err);
/* out[i] = RNE_fp32(nb_block_decode(...)) (beyond FLT_MAX: infinity). */
void nb_block_dequantize(const nb_block_qtensor *q, float *out);
void nb_block_qtensor_free(nb_block_qtensor *q);

#endif
