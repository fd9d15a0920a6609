/* The optional wide fixed-point accumulator of E8M0 block-scaled GEMMs:
 * each block sum shifted by its scale exponents into one integer register. */
#include <math.h>
#include <stdlib.h>

#include "nibble/block_gemm.h"

/* p * 2^s fitted to the register: wrap keeps the low bits (exact modulo
 * 2^bits, since bits < 64), saturate clamps; s < 0 shifts right with
 * truncation toward minus infinity. */
int64_t nb_block_fixed_shifted(int64_t p, long s, const nb_block_fixed_acc *f)
{
    if (p == 0)
        return 0;
    if (s < 0) {
        if (s <= -63)
            return p < 0 ? -1 : 0;
        return p >= 0 ? p >> -s : -(((-p) + (INT64_C(1) << -s) - 1) >> -s);
    }
    if (f->mode == NB_ACC_WRAP)
        return s >= 64 ? 0 : nb_acc_fit((int64_t)((uint64_t)p << s), f->bits, NB_ACC_WRAP);
    int64_t lim = nb_acc_max(f->bits);
    uint64_t mag = p < 0 ? (uint64_t)0 - (uint64_t)p : (uint64_t)p;
    if (s >= 63 || mag > ((uint64_t)lim >> s))
        return p < 0 ? nb_acc_min(f->bits) : lim;
    return p * ((int64_t)1 << s);
}

long nb_block_fixed_shift(unsigned ew, unsigned ea, int frac, const nb_block_fixed_acc *f)
{
    return (long)ew + (long)ea - 2 * NB_E8M0_BIAS - frac - f->lsb_exp;
}

float nb_block_fixed_out(int64_t acc, const nb_block_fixed_acc *f)
{
    uint64_t mag = acc < 0 ? (uint64_t)0 - (uint64_t)acc : (uint64_t)acc;
    return nb_f32_round_scaled(acc < 0 ? -1 : 1, 0, mag, f->lsb_exp);
}

bool nb_block_gemm_fixed(const nb_block_gemm_args *g, const nb_block_fixed_acc *fixed, float *out,
                         nb_err *err)
{
    if (!nb_block_gemm_check(g, fixed, err))
        return false;
    size_t B = g->wf->block, nb = (g->K + B - 1) / B, MN = g->M * g->N;
    int64_t *sums = malloc((MN ? MN : 1) * sizeof *sums);
    int64_t *acc = calloc(MN ? MN : 1, sizeof *acc);
    unsigned char *nan = calloc(MN ? MN : 1, 1);
    if (!sums || !acc || !nan) {
        free(sums);
        free(acc);
        free(nan);
        return nb_fail(err, "out of memory for a %zux%zu block-scaled GEMM", g->M, g->N);
    }
    int frac = g->wf->elem.frac_bits + g->af->elem.frac_bits;
    for (size_t b = 0; b < nb; b++) {
        nb_gemm_int_args ia = {
            .M = g->M, .N = g->N, .K = g->K, .k0 = b * B, .k1 = (b + 1) * B < g->K ? (b + 1) * B : g->K,
            .w_codes = g->w_codes, .a_codes = g->a_codes,
            .w = {&g->wf->elem, g->wf->elem.frac_bits}, .a = {&g->af->elem, g->af->elem.frac_bits},
            .acc_bits = NB_ACC_BITS_MAX, .acc_mode = NB_ACC_SATURATE,
        };
        nb_gemm_int(&ia, sums);
        for (size_t m = 0; m < g->M; m++)
            for (size_t n = 0; n < g->N; n++) {
                size_t i = m * g->N + n;
                unsigned ew = g->w_scales[n * nb + b], ea = g->a_scales[m * nb + b];
                if (ew == NB_E8M0_NAN || ea == NB_E8M0_NAN) {
                    nan[i] = 1;
                    continue;
                }
                long s = nb_block_fixed_shift(ew, ea, frac, fixed);
                int64_t t = nb_block_fixed_shifted(sums[i], s, fixed);
                /* Both terms are within the register, so the sum fits int64. */
                acc[i] = nb_acc_fit(acc[i] + t, fixed->bits, fixed->mode);
            }
    }
    for (size_t i = 0; i < MN; i++)
        out[i] = nan[i] ? NAN : nb_block_fixed_out(acc[i], fixed);
    free(sums);
    free(acc);
    free(nan);
    return true;
}
