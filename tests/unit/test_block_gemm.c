/* The golden block-scaled GEMM: one binary32 rounding per block value, one
 * RNE addition per block, IEEE specials, and the E8M0 fixed-point
 * accumulator; checked against hand-computed cases and an independent
 * double-precision reference where doubles are exact. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/num.h"

static nb_block_format bf_of(const char *spec)
{
    nb_block_format b;
    nb_err err;
    cr_assert(nb_block_format_parse(spec, NULL, &b, &err), "%s: %s", spec, err.msg);
    return b;
}

/* The 128-bit rounding against (float) of an exact double. */
Test(block_gemm, f32_round_scaled_matches_exact_doubles)
{
    uint64_t st = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 300000; i++) {
        st ^= st << 13;
        st ^= st >> 7;
        st ^= st << 17;
        uint64_t m = st >> (11 + (st % 40)); /* up to 53 bits */
        int e = (int)((st >> 3) % 400) - 250; /* subnormals, normals, overflow */
        float want = (float)ldexp((double)m, e);
        float got = nb_f32_round_scaled(1, 0, m, e);
        cr_assert(want == got || (isnan(want) && isnan(got)), "%llu * 2^%d: %a vs %a",
                  (unsigned long long)m, e, (double)got, (double)want);
        cr_assert_eq(nb_f32_round_scaled(-1, 0, m, e), -want);
    }
    /* 128-bit magnitudes, by hand: 2^100 (1 + 2^-24) is a tie -> 2^100 (even);
     * one more unit above the tie rounds up to 2^100 + 2^77. */
    uint64_t hi = (UINT64_C(1) << 36) | (UINT64_C(1) << 12), lo = 0; /* 2^100 + 2^76 */
    cr_assert_eq(nb_f32_round_scaled(1, hi, lo, 0), 0x1p100f);
    cr_assert_eq(nb_f32_round_scaled(1, hi, lo | 1, 0), 0x1p100f + 0x1p77f);
    cr_assert_eq(nb_f32_round_scaled(1, hi, lo, -300), 0.0f, "far below the smallest subnormal");
    cr_assert_eq(nb_f32_round_scaled(1, hi, lo, 40), INFINITY);
}

/* One rounding of each block value: exact cases worked out by hand. */
Test(block_gemm, block_term_rounding)
{
    /* E8M0: 3 * 2^0 * 2^0 on a grid of 2^-2 -> 0.75 */
    cr_assert_eq(nb_block_term(3, 2, NB_SF_E8M0, 127, NB_SF_E8M0, 127), 0.75f);
    /* 2^24 + 1 is a tie between 2^24 and 2^24 + 2: even -> 2^24; 2^24 + 3 -> 2^24 + 4 */
    cr_assert_eq(nb_block_term((1 << 24) + 1, 0, NB_SF_E8M0, 127, NB_SF_E8M0, 127), 16777216.0f);
    cr_assert_eq(nb_block_term((1 << 24) + 3, 0, NB_SF_E8M0, 127, NB_SF_E8M0, 127), 16777220.0f);
    /* exponent add: 2^(52-127) * 2^(53-127) = 2^-149, the smallest subnormal */
    cr_assert_eq(nb_block_term(1, 0, NB_SF_E8M0, 52, NB_SF_E8M0, 53), 0x1p-149f);
    /* 3 * 2^-150 = 1.5 * 2^-149: tie -> 2 * 2^-149; 1 * 2^-150: tie -> 0 */
    cr_assert_eq(nb_block_term(3, 0, NB_SF_E8M0, 52, NB_SF_E8M0, 52), 0x1p-148f);
    cr_assert_eq(nb_block_term(1, 0, NB_SF_E8M0, 52, NB_SF_E8M0, 52), 0.0f);
    /* overflow to infinity, with the sign of the sum */
    cr_assert_eq(nb_block_term(1, 0, NB_SF_E8M0, 254, NB_SF_E8M0, 254), INFINITY);
    cr_assert_eq(nb_block_term(-1, 0, NB_SF_E8M0, 254, NB_SF_E8M0, 254), -INFINITY);
    /* UE4M3 mantissa multiply: 0x3C = 1.5, 0x44 = 3.0 -> 4.5 */
    cr_assert_eq(nb_block_term(1, 0, NB_SF_UE4M3, 0x3C, NB_SF_UE4M3, 0x44), 4.5f);
    /* FP16: (1 + 2^-10)^2 = 1 + 2^-9 + 2^-20; times 16385 it is exactly
     * 16417.017578125 + 2^-20, and binary32 near 16417 has spacing 2^-9:
     * the 2^-20 is dropped (one rounding, down). */
    cr_assert_eq(nb_block_term(16385, 0, NB_SF_FP16, 0x3C01, NB_SF_FP16, 0x3C01), 16417.017578125f);
    cr_assert_eq(nb_block_term(16385, 0, NB_SF_FP16, 0x3C01, NB_SF_FP16, 0xBC01), -16417.017578125f);
    /* NaN codes and infinities */
    cr_assert(isnan(nb_block_term(5, 0, NB_SF_E8M0, 0xFF, NB_SF_E8M0, 127)));
    cr_assert(isnan(nb_block_term(0, 0, NB_SF_E8M0, 127, NB_SF_E8M0, 0xFF)), "0 * NaN is NaN");
    cr_assert(isnan(nb_block_term(5, 0, NB_SF_UE4M3, 0x7F, NB_SF_UE4M3, 0x38)));
    cr_assert_eq(nb_block_term(-2, 0, NB_SF_FP16, 0x7C00, NB_SF_FP16, 0x3C00), -INFINITY);
    cr_assert(isnan(nb_block_term(0, 0, NB_SF_FP16, 0x7C00, NB_SF_FP16, 0x3C00)));
}

/* A 1x1 GEMM of int8 elements with blocks of one: each block value is a
 * product times its scales, so the accumulation order shows. */
static float gemm_1x1(const char *spec, const uint8_t *w, const uint8_t *a, const uint16_t *ws,
                      const uint16_t *as, size_t K)
{
    nb_block_format b = bf_of(spec);
    nb_block_gemm_args g = {.M = 1, .N = 1, .K = K, .wf = &b, .af = &b, .w_codes = w,
                            .w_scales = ws, .a_codes = a, .a_scales = as};
    float out;
    nb_err err;
    cr_assert(nb_block_gemm(&g, &out, &err), "%s", err.msg);
    return out;
}

Test(block_gemm, fp32_accumulation_rounds_after_every_block)
{
    const uint8_t one[3] = {1, 1, 1};
    const uint16_t unit[3] = {127, 127, 127};
    /* 2^24 + 1 + 1: each addition is a tie that stays at 2^24 (even); exact is 2^24 + 2 */
    const uint16_t big_first[3] = {127 + 24, 127, 127};
    cr_assert_eq(gemm_1x1("mx:int8/e8m0/1", one, one, big_first, unit, 3), 16777216.0f);
    /* 1 + 1 + 2^24 = 2^24 + 2 exactly: order matters, and the golden fixes it */
    const uint16_t big_last[3] = {127, 127, 127 + 24};
    cr_assert_eq(gemm_1x1("mx:int8/e8m0/1", one, one, big_last, unit, 3), 16777218.0f);
    /* 2^24 + 3: tie between 2^24 + 2 and 2^24 + 4 -> 2^24 + 4 */
    const uint8_t three[2] = {1, 3};
    const uint16_t b2[2] = {127 + 24, 127};
    cr_assert_eq(gemm_1x1("mx:int8/e8m0/1", three, one, b2, unit, 2), 16777220.0f);
    /* Cancellation is exact: 2^30 - 2^30 + 0.5 */
    const uint8_t w3[3] = {1, 0xFF /* -1 */, 1};
    const uint16_t s3[3] = {127 + 30, 127 + 30, 126};
    cr_assert_eq(gemm_1x1("mx:int8/e8m0/1", w3, one, s3, unit, 3), 0.5f);
    /* A NaN scale poisons the output */
    const uint16_t nan_s[3] = {127, 0xFF, 127};
    cr_assert(isnan(gemm_1x1("mx:int8/e8m0/1", one, one, nan_s, unit, 3)));
    /* +inf then -inf is NaN (IEEE) */
    const uint8_t w2[2] = {1, 0xFF};
    const uint16_t inf2[2] = {254, 254};
    cr_assert(isnan(gemm_1x1("mx:int8/e8m0/1", w2, one, inf2, inf2, 2)));
}

/* Independent reference where doubles are exact: the block sum from the
 * decoded values, times the decoded scales, rounded by (float), added in
 * binary32 (C float arithmetic; FLT_EVAL_METHOD 0). */
static void reference(const nb_block_gemm_args *g, float *out)
{
    size_t B = g->wf->block, nb = (g->K + B - 1) / B;
    for (size_t m = 0; m < g->M; m++)
        for (size_t n = 0; n < g->N; n++) {
            float acc = 0.0f;
            for (size_t b = 0; b < nb; b++) {
                double s = 0;
                for (size_t k = b * B; k < g->K && k < (b + 1) * B; k++)
                    s += g->wf->elem.hw[g->w_codes[n * g->K + k]] *
                         g->af->elem.hw[g->a_codes[m * g->K + k]];
                s *= nb_scale_decode(g->wf->scale, g->w_scales[n * nb + b]) *
                     nb_scale_decode(g->af->scale, g->a_scales[m * nb + b]);
                volatile float t = (float)s;
                acc = acc + t;
            }
            out[m * g->N + n] = acc;
        }
}

static void random_gemm_check(const char *spec, unsigned scale_lo, unsigned scale_hi,
                              size_t M, size_t N, size_t K, uint64_t seed)
{
#if FLT_EVAL_METHOD != 0
    cr_skip_test("binary32 arithmetic is evaluated wider on this target");
#endif
    nb_block_format b = bf_of(spec);
    size_t nb = (K + b.block - 1) / b.block;
    uint8_t *w = malloc(N * K), *a = malloc(M * K);
    uint16_t *ws = malloc(N * nb * 2), *as = malloc(M * nb * 2);
    float *out = malloc(M * N * 4), *want = malloc(M * N * 4);
    uint64_t st = seed;
#define NEXT() (st ^= st << 13, st ^= st >> 7, st ^= st << 17, st)
    for (size_t i = 0; i < N * K; i++)
        w[i] = b.elem.value_code[NEXT() % (uint64_t)b.elem.num_values];
    for (size_t i = 0; i < M * K; i++)
        a[i] = b.elem.value_code[NEXT() % (uint64_t)b.elem.num_values];
    for (size_t i = 0; i < N * nb; i++)
        ws[i] = (uint16_t)(scale_lo + NEXT() % (scale_hi - scale_lo + 1));
    for (size_t i = 0; i < M * nb; i++)
        as[i] = (uint16_t)(scale_lo + NEXT() % (scale_hi - scale_lo + 1));
#undef NEXT
    nb_block_gemm_args g = {.M = M, .N = N, .K = K, .wf = &b, .af = &b, .w_codes = w,
                            .w_scales = ws, .a_codes = a, .a_scales = as};
    nb_err err;
    cr_assert(nb_block_gemm(&g, out, &err), "%s", err.msg);
    reference(&g, want);
    for (size_t i = 0; i < M * N; i++)
        cr_assert(memcmp(&out[i], &want[i], 4) == 0, "%s output %zu: %a vs %a", spec, i,
                  (double)out[i], (double)want[i]);
    free(w);
    free(a);
    free(ws);
    free(as);
    free(out);
    free(want);
}

Test(block_gemm, random_gemms_match_the_reference)
{
    /* K not a multiple of the block, several blocks per output, scales over
     * the whole E8M0 range (results reach subnormals and infinity). */
    random_gemm_check("mxfp4", 0, 254, 5, 7, 32 * 4 + 9, 1);
    random_gemm_check("mxfp4", 110, 140, 5, 7, 32 * 6 + 1, 2);
    random_gemm_check("mx:sf4/e8m0/32", 100, 150, 4, 6, 100, 3);
    random_gemm_check("mx:int4/fp16/128", 0x2000, 0x5000, 4, 6, 300, 4);
    random_gemm_check("mx:int8/bf16/64", 0x3000, 0x4800, 3, 5, 200, 5);
    random_gemm_check("mx:e2m1/ue4m3/16", 0, 0x7E, 4, 6, 16 * 5 + 3, 6);
}

/* OCP FP6/FP8 elements (ExMy specs, where this build has them). */
Test(block_gemm, ocp_fp6_fp8_gemms)
{
    nb_format probe;
    nb_err err;
    if (!nb_format_parse("fp:e4m3:special=fn", NULL, &probe, &err))
        cr_skip_test("ExMy element specs are not in this build: %s", err.msg);
    random_gemm_check("mxfp8e4m3", 100, 150, 3, 4, 32 * 3 + 5, 7);
    random_gemm_check("mxfp6e3m2", 0, 254, 3, 4, 32 * 3 + 5, 8);
    random_gemm_check("mxfp6e2m3", 110, 140, 3, 4, 70, 9);
    /* E5M2 x E5M2 products span more than an exact 62-bit block sum. */
    nb_block_format b = bf_of("mxfp8e5m2");
    uint8_t c[32] = {0};
    uint16_t sc[1] = {127};
    nb_block_gemm_args g = {.M = 1, .N = 1, .K = 32, .wf = &b, .af = &b, .w_codes = c,
                            .w_scales = sc, .a_codes = c, .a_scales = sc};
    float out;
    cr_assert_not(nb_block_gemm(&g, &out, &err));
    cr_assert(strstr(err.msg, "bits on their common grid; an exact block sum holds at most 62"),
              "%s", err.msg);
}

Test(block_gemm, nvfp4_tensor_scales_are_an_epilogue)
{
    nb_block_format b = bf_of("nvfp4");
    const uint8_t w[16] = {2 /* 1.0 */}, a[16] = {7 /* 6.0 */};
    const uint16_t s[1] = {0x38};
    nb_block_gemm_args g = {.M = 1, .N = 1, .K = 16, .wf = &b, .af = &b, .w_codes = w,
                            .w_scales = s, .a_codes = a, .a_scales = s,
                            .w_tensor_scale = 0.1f, .a_tensor_scale = 3.0f};
    float out;
    nb_err err;
    cr_assert(nb_block_gemm(&g, &out, &err), "%s", err.msg);
    float alpha = 0.1f * 3.0f; /* binary32 product, one rounding */
    cr_assert_eq(out, alpha * 6.0f);
}

Test(block_gemm, fixed_point_accumulator)
{
    nb_block_format b = bf_of("mx:int8/e8m0/1");
    const uint8_t one[3] = {1, 1, 1};
    const uint16_t unit[3] = {127, 127, 127};
    const uint16_t s[3] = {127 + 24, 127, 127};
    nb_block_gemm_args g = {.M = 1, .N = 1, .K = 3, .wf = &b, .af = &b, .w_codes = one,
                            .w_scales = s, .a_codes = one, .a_scales = unit};
    nb_block_fixed_acc fx = {.bits = 40, .lsb_exp = -8, .mode = NB_ACC_SATURATE};
    float out;
    nb_err err;
    /* The exact sum 2^24 + 2 survives in the register; one rounding at the end. */
    cr_assert(nb_block_gemm_fixed(&g, &fx, &out, &err), "%s", err.msg);
    cr_assert_eq(out, 16777218.0f);
    /* Below the LSB: 2^-9 truncates (toward minus infinity) to 0, -2^-9 to -2^-8. */
    const uint16_t small[1] = {127 - 9};
    const uint8_t neg[1] = {0xFF};
    g.K = 1;
    g.w_scales = small;
    cr_assert(nb_block_gemm_fixed(&g, &fx, &out, &err));
    cr_assert_eq(out, 0.0f);
    g.w_codes = neg;
    cr_assert(nb_block_gemm_fixed(&g, &fx, &out, &err));
    cr_assert_eq(out, -0x1p-8f);
    /* Saturation and wrap of a 12-bit register with LSB 1: 2^24 -> 2047 or 0. */
    g.w_codes = one;
    g.w_scales = s;
    fx = (nb_block_fixed_acc){.bits = 12, .lsb_exp = 0, .mode = NB_ACC_SATURATE};
    cr_assert(nb_block_gemm_fixed(&g, &fx, &out, &err));
    cr_assert_eq(out, 2047.0f);
    fx.mode = NB_ACC_WRAP;
    cr_assert(nb_block_gemm_fixed(&g, &fx, &out, &err));
    cr_assert_eq(out, 0.0f, "2^24 mod 2^12 = 0");
    /* NaN scale code */
    const uint16_t nan_s[1] = {0xFF};
    g.w_scales = nan_s;
    cr_assert(nb_block_gemm_fixed(&g, &fx, &out, &err));
    cr_assert(isnan(out));
    /* Wide enough, it equals the FP32 path whenever that is exact. */
    fx = (nb_block_fixed_acc){.bits = 62, .lsb_exp = -20, .mode = NB_ACC_SATURATE};
    g.K = 3;
    g.w_scales = unit;
    cr_assert(nb_block_gemm_fixed(&g, &fx, &out, &err));
    cr_assert_eq(out, 3.0f);
}

Test(block_gemm, refused_configurations)
{
    nb_block_format b32 = bf_of("mxfp4"), b16 = bf_of("nvfp4");
    uint8_t c[32] = {0};
    uint16_t s[2] = {127, 127};
    nb_block_gemm_args g = {.M = 1, .N = 1, .K = 32, .wf = &b32, .af = &b16, .w_codes = c,
                            .w_scales = s, .a_codes = c, .a_scales = s};
    float out;
    nb_err err;
    cr_assert_not(nb_block_gemm(&g, &out, &err));
    cr_assert(strstr(err.msg, "weight blocks of 32 and activation blocks of 16 differ"), "%s",
              err.msg);
    g.af = &b16;
    g.wf = &b16;
    nb_block_fixed_acc fx = {.bits = 40, .lsb_exp = 0, .mode = NB_ACC_WRAP};
    cr_assert_not(nb_block_gemm_fixed(&g, &fx, &out, &err));
    cr_assert(strstr(err.msg, "needs e8m0 scales on both operands"), "%s", err.msg);
    g.af = g.wf = &b32;
    fx.bits = 70;
    cr_assert_not(nb_block_gemm_fixed(&g, &fx, &out, &err));
    cr_assert(strstr(err.msg, "accumulator of 70 bits: use 2..62"), "%s", err.msg);
}
