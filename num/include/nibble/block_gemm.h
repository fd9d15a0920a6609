/* The golden block-scaled GEMM: the arithmetic a block-scaled array must
 * reproduce bit for bit (num/README.md, "Block-scaled arithmetic").
 *
 * For every output (m, n), with blocks b = 0, 1, ... of `block` consecutive k
 * (the last one shorter when K is not a multiple), in increasing b:
 *   1. P_b = sum over the block of nb_product(w[n][k], a[m][k]): the exact
 *      integer on the grid 2^-(Fw + Fa) (Fw, Fa = the element formats'
 *      frac_bits), as nb_gemm_int computes it with an accumulator that cannot
 *      overflow (|P_b| < 2^61 is checked up front);
 *   2. the scale product S_b = decode(sw[n][b]) * decode(sa[m][b]), exact:
 *      E8M0 x E8M0 adds exponents, UE4M3 x UE4M3 multiplies 4-bit
 *      significands, FP16/BF16 multiply 11/8-bit significands;
 *   3. t_b = RNE_fp32(P_b * S_b * 2^-(Fw + Fa)): the exact block value
 *      rounded once to IEEE binary32 (round to nearest even, gradual
 *      underflow, overflow to infinity), computed on integers;
 *   4. acc = RNE_fp32(acc + t_b), acc starting at +0: one IEEE binary32
 *      addition per block.
 * Specials follow IEEE 754: a NaN scale code makes t_b NaN; an infinite
 * FP16/BF16 scale gives +-inf, or NaN against a zero.
 * With "+fp32" tensor scales (NVFP4) the array output is acc and the tensor
 * scales are an epilogue: out = RNE_fp32(RNE_fp32(Tw * Ta) * acc).
 *
 * The optional wide fixed-point accumulator (E8M0 x E8M0 only) replaces 3-4
 * by an integer register of `bits` bits whose LSB weighs 2^lsb_exp: each
 * block adds P_b * 2^(ew + ea - 254 - Fw - Fa - lsb_exp), shifted left, or
 * right with truncation toward minus infinity (arithmetic shift); the sum
 * wraps or saturates to `bits` bits after each block; a NaN scale makes the
 * output NaN; the output is RNE_fp32(acc * 2^lsb_exp). */
#ifndef NIBBLE_BLOCK_GEMM_H
#define NIBBLE_BLOCK_GEMM_H

#include <stddef.h>
#include <stdint.h>

#include "nibble/arith.h"
#include "nibble/block_format.h"

typedef struct nb_block_gemm_args {
    size_t M, N, K;
    const nb_block_format *wf, *af;  /* same block size */
    const uint8_t *w_codes;          /* [N][K] */
    const uint16_t *w_scales;        /* [N][ceil(K / block)] scale codes */
    const uint8_t *a_codes;          /* [M][K] */
    const uint16_t *a_scales;        /* [M][ceil(K / block)] */
    float w_tensor_scale, a_tensor_scale; /* "+fp32" formats only */
} nb_block_gemm_args;

/* The optional fixed-point accumulator for E8M0 scales. */
typedef struct nb_block_fixed_acc {
    int bits;         /* 2..NB_ACC_BITS_MAX */
    int lsb_exp;      /* weight of the LSB: 2^lsb_exp */
    nb_acc_mode mode; /* wrap or saturate after each block */
} nb_block_fixed_acc;

/* Same block size, block sums that fit int64, fixed accumulator parameters
 * (fixed may be NULL; when given, both scale formats must be e8m0). */
bool nb_block_gemm_check(const nb_block_gemm_args *g, const nb_block_fixed_acc *fixed,
                         nb_err *err);

/* out [M][N] binary32, FP32 accumulation (steps 1-4 above). */
bool nb_block_gemm(const nb_block_gemm_args *g, float *out, nb_err *err);

/* out [M][N] through the fixed-point accumulator. */
bool nb_block_gemm_fixed(const nb_block_gemm_args *g, const nb_block_fixed_acc *fixed, float *out,
                         nb_err *err);

/* The fixed accumulator's steps alone (the hardware's C model calls them):
 * the shift s = ew + ea - 254 - frac - lsb_exp of a block with E8M0 codes
 * ew, ea (not 0xFF); p * 2^s as added to the register (left shifts wrapped
 * or saturated to `bits`, right shifts truncated toward minus infinity and
 * not fitted: acc + term is fitted after the addition); the output
 * RNE_fp32(acc * 2^lsb_exp) of a non-NaN register. */
long nb_block_fixed_shift(unsigned ew, unsigned ea, int frac, const nb_block_fixed_acc *f);
int64_t nb_block_fixed_shifted(int64_t p, long s, const nb_block_fixed_acc *f);
float nb_block_fixed_out(int64_t acc, const nb_block_fixed_acc *f);

/* Step 3 alone: RNE_fp32(p * scale(wcode) * scale(acode) * 2^-frac). */
float nb_block_term(int64_t p, int frac, nb_scale_fmt wsf, unsigned wcode, nb_scale_fmt asf,
                    unsigned acode);

/* Step 4 alone: RNE_fp32(acc + t). Computed as (float)((double)acc + t): the
 * double sum rounded to binary32 is the correctly rounded binary32 sum
 * (double rounding is innocuous for + when 53 >= 2 * 24 + 2; Figueroa 1995). */
float nb_f32_add(float acc, float t);

/* RNE_fp32(sign * mag * 2^exp2) for a 128-bit magnitude mag = hi * 2^64 + lo,
 * exactly (gradual underflow, overflow to infinity). */
float nb_f32_round_scaled(int sign, uint64_t hi, uint64_t lo, int exp2);

#endif
