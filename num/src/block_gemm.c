/* The golden block-scaled GEMM with an IEEE binary32 accumulator per output:
 * exact integer block sums (nb_gemm_int), exact scale products, one rounding
 * of each block value to binary32, one binary32 addition per block. */
#include <math.h>
#include <stdlib.h>

#include "nibble/block_gemm.h"

float nb_f32_add(float acc, float t)
{
    return (float)((double)acc + (double)t);
}

/* 64 x 64 -> 128-bit product of magnitudes. */
static void mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a0 = a & 0xFFFFFFFFu, a1 = a >> 32, b0 = b & 0xFFFFFFFFu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
    *lo = (p00 & 0xFFFFFFFFu) | (mid << 32);
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

float nb_block_term(int64_t p, int frac, nb_scale_fmt wsf, unsigned wcode, nb_scale_fmt asf,
                    unsigned acode)
{
    int ws, as, we, ae;
    uint32_t wm, am;
    bool wnan, anan;
    bool wfin = nb_scale_decode_exact(wsf, wcode, &ws, &wm, &we, &wnan);
    bool afin = nb_scale_decode_exact(asf, acode, &as, &am, &ae, &anan);
    if (wnan || anan)
        return NAN;
    int sign = (p < 0 ? -1 : 1) * ws * as;
    if (!wfin || !afin) {
        /* An infinite scale: infinity, or NaN against a zero factor. */
        if (p == 0 || (wfin && wm == 0) || (afin && am == 0))
            return NAN;
        return sign < 0 ? -INFINITY : INFINITY;
    }
    uint64_t mag = p < 0 ? (uint64_t)0 - (uint64_t)p : (uint64_t)p;
    uint64_t hi, lo;
    mul64(mag, (uint64_t)wm * am, &hi, &lo);
    return nb_f32_round_scaled(sign, hi, lo, we + ae - frac);
}

static size_t blocks_of(const nb_block_gemm_args *g)
{
    return (g->K + g->wf->block - 1) / g->wf->block;
}

bool nb_block_gemm_check(const nb_block_gemm_args *g, const nb_block_fixed_acc *fixed,
                         nb_err *err)
{
    if (g->wf->block != g->af->block)
        return nb_fail(err, "block-scaled GEMM: weight blocks of %zu and activation blocks of "
                       "%zu differ; both operands need the same block size along K",
                       g->wf->block, g->af->block);
    /* |product| < 2^(mant_bits_w + mant_bits_a - 2): wide grids (E5M2 x E5M2)
     * are refused before any product is formed. */
    int pbits = g->wf->elem.mant_bits + g->af->elem.mant_bits - 2;
    if (pbits > 60)
        return nb_fail(err, "block-scaled GEMM: products of %s and %s need %d bits on their "
                       "common grid; an exact block sum holds at most %d", g->wf->elem.name,
                       g->af->elem.name, pbits + 1, NB_ACC_BITS_MAX);
    nb_operand w = {&g->wf->elem, g->wf->elem.frac_bits}, a = {&g->af->elem,
                                                              g->af->elem.frac_bits};
    int64_t pmax = nb_product_max_abs(&w, &a);
    if (pmax > 0 && pmax > nb_acc_max(NB_ACC_BITS_MAX) / (int64_t)g->wf->block)
        return nb_fail(err, "block-scaled GEMM: a block of %zu products up to %lld can exceed "
                       "the %d-bit exact block sum; use smaller blocks", g->wf->block,
                       (long long)pmax, NB_ACC_BITS_MAX);
    if (fixed) {
        if (g->wf->scale != NB_SF_E8M0 || g->af->scale != NB_SF_E8M0)
            return nb_fail(err, "the fixed-point block accumulator needs e8m0 scales on both "
                           "operands (got %s and %s)", nb_scale_fmt_name(g->wf->scale),
                           nb_scale_fmt_name(g->af->scale));
        if (fixed->bits < 2 || fixed->bits > NB_ACC_BITS_MAX)
            return nb_fail(err, "fixed-point block accumulator of %d bits: use 2..%d",
                           fixed->bits, NB_ACC_BITS_MAX);
        if (fixed->lsb_exp < -600 || fixed->lsb_exp > 600)
            return nb_fail(err, "fixed-point block accumulator LSB 2^%d: use an exponent in "
                           "-600..600", fixed->lsb_exp);
    }
    return true;
}

/* Exact integer block sums of every output for block b, by the reference
 * integer GEMM (62-bit accumulator, |sum| < 2^61: the check above rules out
 * overflow). */
static void block_sums(const nb_block_gemm_args *g, size_t b, int64_t *sums)
{
    size_t B = g->wf->block;
    nb_gemm_int_args ia = {
        .M = g->M, .N = g->N, .K = g->K, .k0 = b * B, .k1 = (b + 1) * B < g->K ? (b + 1) * B : g->K,
        .w_codes = g->w_codes, .a_codes = g->a_codes,
        .w = {&g->wf->elem, g->wf->elem.frac_bits}, .a = {&g->af->elem, g->af->elem.frac_bits},
        .acc_bits = NB_ACC_BITS_MAX, .acc_mode = NB_ACC_SATURATE,
    };
    nb_gemm_int(&ia, sums);
}

bool nb_block_gemm(const nb_block_gemm_args *g, float *out, nb_err *err)
{
    if (!nb_block_gemm_check(g, NULL, err))
        return false;
    size_t nb = blocks_of(g), MN = g->M * g->N;
    int64_t *sums = malloc((MN ? MN : 1) * sizeof *sums);
    if (!sums)
        return nb_fail(err, "out of memory for a %zux%zu block-scaled GEMM", g->M, g->N);
    int frac = g->wf->elem.frac_bits + g->af->elem.frac_bits;
    for (size_t i = 0; i < MN; i++)
        out[i] = 0.0f;
    for (size_t b = 0; b < nb; b++) {
        block_sums(g, b, sums);
        for (size_t m = 0; m < g->M; m++)
            for (size_t n = 0; n < g->N; n++) {
                float t = nb_block_term(sums[m * g->N + n], frac, g->wf->scale,
                                        g->w_scales[n * nb + b], g->af->scale,
                                        g->a_scales[m * nb + b]);
                out[m * g->N + n] = nb_f32_add(out[m * g->N + n], t);
            }
    }
    free(sums);
    if (g->wf->tensor_scale || g->af->tensor_scale) {
        float tw = g->wf->tensor_scale ? g->w_tensor_scale : 1.0f;
        float ta = g->af->tensor_scale ? g->a_tensor_scale : 1.0f;
        /* Products of two binary32 values are exact in double: one rounding each. */
        float alpha = (float)((double)tw * (double)ta);
        for (size_t i = 0; i < MN; i++)
            out[i] = (float)((double)alpha * (double)out[i]);
    }
    return true;
}
