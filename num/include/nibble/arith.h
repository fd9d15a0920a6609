/* Exact arithmetic reference: products of codes on the hardware grids, the
 * W-bit two's-complement accumulator, and reference GEMMs.
 *
 * A PE that supports several formats aligns every operand to a common grid:
 * weights to wfrac fractional bits (>= every weight format's frac_bits),
 * activations to afrac. A product is then an integer on the grid
 * 2^-(wfrac + afrac), and so is the accumulator. */
#ifndef NIBBLE_ARITH_H
#define NIBBLE_ARITH_H

#include <stddef.h>
#include <stdint.h>

#include "nibble/format.h"

typedef enum nb_acc_mode {
    NB_ACC_WRAP,      /* keep the low W bits (two's complement wrap-around) */
    NB_ACC_SATURATE,  /* clamp to [-2^(W-1), 2^(W-1) - 1] */
} nb_acc_mode;

#define NB_ACC_BITS_MAX 62

/* One operand side of a PE: its format and the common grid it is aligned to. */
typedef struct nb_operand {
    const nb_format *fmt;
    int grid_frac_bits;
} nb_operand;

/* Mantissa of a code aligned to the operand's common grid. */
static inline int64_t nb_operand_mant(const nb_operand *op, unsigned code)
{
    return (int64_t)op->fmt->mant[code] * ((int64_t)1 << (op->grid_frac_bits - op->fmt->frac_bits));
}

/* Exact product of a weight code and an activation code, on 2^-(wfrac+afrac). */
static inline int64_t nb_product(const nb_operand *w, unsigned wcode, const nb_operand *a,
                                 unsigned acode)
{
    return nb_operand_mant(w, wcode) * nb_operand_mant(a, acode);
}

/* Wrap or saturate an exact integer into W bits (inline: the simulators call
 * it per MAC). Wrapping works on uint64 to stay defined. */
static inline int64_t nb_acc_fit(int64_t exact, int bits, nb_acc_mode mode)
{
    int64_t hi = (int64_t)(((uint64_t)1 << (bits - 1)) - 1), lo = -hi - 1;
    if (mode == NB_ACC_SATURATE)
        return exact > hi ? hi : exact < lo ? lo : exact;
    uint64_t mask = ((uint64_t)1 << bits) - 1, sign = (uint64_t)1 << (bits - 1);
    return (int64_t)(((uint64_t)exact & mask) ^ sign) - (int64_t)sign;
}

/* acc + prod in W bits; acc must already be a W-bit value. */
static inline int64_t nb_acc_add(int64_t acc, int64_t prod, int bits, nb_acc_mode mode)
{
    return nb_acc_fit(acc + prod, bits, mode);
}

int64_t nb_acc_min(int bits);
int64_t nb_acc_max(int bits);

/* Largest |product| over all codes of a pair (for overflow bounds). */
int64_t nb_product_max_abs(const nb_operand *w, const nb_operand *a);
/* Signed width that holds every product of a pair (for the RTL's product wire). */
int nb_product_width(const nb_operand *w, const nb_operand *a);

/* Signed two's-complement width needed for v (at least 1). */
int nb_signed_width(int64_t v);

/* Integer GEMM with the accumulator of the hardware (with a_tags, OverQ slots
 * as nb_overq_product defines them):
 *   out[m][n] = acc_W( init[m][n] + sum_{k=k0}^{k1-1} P(w[n][k], a[m][k]) )
 * accumulating in increasing k, one W-bit step per product (so saturation
 * happens where the hardware's would). w is [N][K] (weights by output
 * channel), a is [M][K]; init may be NULL (zeros); out is [M][N]. */
typedef struct nb_gemm_int_args {
    size_t M, N, K;
    size_t k0, k1;              /* reduction range; [0, K) for the whole row */
    const uint8_t *w_codes;     /* [N][K] */
    const uint8_t *a_codes;     /* [M][K] */
    nb_operand w, a;
    int acc_bits;
    nb_acc_mode acc_mode;
    const int64_t *init;        /* [M][N] or NULL */
    const uint8_t *a_tags;      /* [M][K] OverQ tags (nibble/overq.h), or NULL */
} nb_gemm_int_args;

/* p / 16 rounded down, like an arithmetic right shift in the RTL (exact for
 * the products OverQ produces; defined for every input so models agree). */
static inline int64_t nb_floor_div16(int64_t p)
{
    return p >= 0 ? p / 16 : -((-p + 15) / 16);
}

/* The product an OverQ slot contributes: tagged slots multiply by the weight
 * of the row above, HIGH is worth 16 times, LOW 1/16 (exact on a grid with at
 * least 4 activation fraction bits). */
static inline int64_t nb_overq_product(const nb_operand *w, unsigned w_own, unsigned w_above,
                                       const nb_operand *a, unsigned acode, unsigned tag)
{
    if (tag == 0)
        return nb_product(w, w_own, a, acode);
    int64_t p = nb_product(w, w_above, a, acode);
    return tag == 1 ? p * 16 : tag == 3 ? nb_floor_div16(p) : p;
}

void nb_gemm_int(const nb_gemm_int_args *args, int64_t *out);

/* Float reference: out[m][n] = sum_k a[m][k] * w[n][k] in double. */
void nb_gemm_float(const float *a, const float *w, size_t M, size_t N, size_t K, double *out);

bool nb_acc_mode_parse(const char *s, nb_acc_mode *out, nb_err *err);
const char *nb_acc_mode_name(nb_acc_mode m);

#endif
