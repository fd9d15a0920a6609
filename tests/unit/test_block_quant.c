/* Block quantization against hand-computed facts: E8M0 scales under floor,
 * rceil and even around powers of two; every E2M1 code through every E8M0
 * exponent; ties between adjacent element values for every element format;
 * NVFP4 scales; all-zero blocks and the NaN code; floor's clipping of
 * elements whose maximum is 1. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nibble/num.h"

static nb_block_format bf_of(const char *spec)
{
    nb_block_format b;
    nb_err err;
    cr_assert(nb_block_format_parse(spec, NULL, &b, &err), "%s: %s", spec, err.msg);
    return b;
}

static unsigned scale_for(const nb_block_format *b, double amax)
{
    return nb_block_select_scale(b, amax, 1.0);
}

/* E2M1 (max 6, emax 2). Expected E8M0 codes (127 = 2^0) worked out by hand:
 *   floor: 2^(floor(log2 amax) - 2)        rceil: 2^ceil(log2(amax / 6))
 *   even:  floor after rounding amax to 2 significant bits, half-up (steps at 7 * 2^k). */
Test(block_quant, e8m0_scales_around_powers_of_two)
{
    nb_block_format fl = bf_of("mxfp4/floor"), rc = bf_of("mxfp4/rceil"), ev = bf_of("mxfp4/even");
    const struct {
        double amax;
        unsigned floor, rceil, even;
    } t[] = {
        {4.0, 127, 127, 127},
        {nextafterf(4.0f, 0), 126, 127, 127},  /* 3.9999998: floor drops a binade */
        {nextafterf(4.0f, 9), 127, 127, 127},
        {6.0, 127, 127, 127},
        {nextafterf(6.0f, 9), 127, 128, 127},  /* just above 6: floor clips, rceil doubles */
        {nextafterf(7.0f, 0), 127, 128, 127},
        {7.0, 127, 128, 128},                  /* even steps up at 7 = 1.75 * 2^2 */
        {nextafterf(8.0f, 0), 127, 128, 128},  /* floor clips 7.9999995 to 6 */
        {8.0, 128, 128, 128},
        {nextafterf(8.0f, 9), 128, 128, 128},
        {12.0, 128, 128, 128},
        {nextafterf(12.0f, 13), 128, 129, 128},
        {1.0, 125, 125, 125},
        {nextafterf(1.0f, 0), 124, 125, 125},
        {1.5, 125, 125, 125},
        {nextafterf(1.5f, 2), 125, 126, 125},
        {0x1p-140, 0, 0, 0},                   /* below 2^-127: the smallest scale */
        {6 * 0x1p-127, 0, 0, 0},
        {6 * 0x1p127, 254, 254, 254},
        {0x1p200, 254, 254, 254},              /* beyond 2^127: saturates, elements clip */
        {0.0, 0, 0, 0},                        /* all-zero block */
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        cr_assert_eq(scale_for(&fl, t[i].amax), t[i].floor, "floor %.9g: %u", t[i].amax,
                     scale_for(&fl, t[i].amax));
        cr_assert_eq(scale_for(&rc, t[i].amax), t[i].rceil, "rceil %.9g: %u", t[i].amax,
                     scale_for(&rc, t[i].amax));
        cr_assert_eq(scale_for(&ev, t[i].amax), t[i].even, "even %.9g: %u", t[i].amax,
                     scale_for(&ev, t[i].amax));
    }
    /* What the rules do to the block maximum 7.9: floor clips it to 6, rceil keeps it. */
    double blk[2] = {7.9, -1.0};
    uint8_t codes[2];
    uint16_t sc;
    nb_block_quantize_block(&fl, blk, 2, 1, codes, &sc);
    cr_assert_eq(nb_block_decode(&fl, codes[0], sc, 1), 6.0);
    nb_block_quantize_block(&rc, blk, 2, 1, codes, &sc);
    cr_assert_eq(nb_block_decode(&rc, codes[0], sc, 1), 8.0, "7.9 / 2 = 3.95 -> 4");
}

/* The same facts over the whole exponent range, by formula: for E2M1,
 * floor(2^j) = 2^(j-2) and one ULP below drops to 2^(j-3); rceil steps at
 * 6 * 2^k (6 * 2^k -> 2^k, one ULP above -> 2^(k+1)) and keeps 2^j, its
 * neighbours too, at 2^(j-2) since 4 < 6 < 8. */
Test(block_quant, e8m0_rules_over_the_exponent_range)
{
    nb_block_format fl = bf_of("mxfp4/floor"), rc = bf_of("mxfp4/rceil");
    for (int j = -120; j <= 127; j++) {
        double p = ldexp(1.0, j), below = nextafter(p, 0), above = nextafter(p, INFINITY);
        cr_assert_eq(scale_for(&fl, p), (unsigned)(127 + j - 2), "floor 2^%d", j);
        cr_assert_eq(scale_for(&fl, below), (unsigned)(127 + j - 3), "floor below 2^%d", j);
        cr_assert_eq(scale_for(&fl, above), (unsigned)(127 + j - 2), "floor above 2^%d", j);
        cr_assert_eq(scale_for(&rc, p), (unsigned)(127 + j - 2), "rceil 2^%d", j);
        cr_assert_eq(scale_for(&rc, below), (unsigned)(127 + j - 2), "rceil below 2^%d", j);
        cr_assert_eq(scale_for(&rc, above), (unsigned)(127 + j - 2), "rceil above 2^%d", j);
        double six = 6 * ldexp(1.0, j - 2);
        cr_assert_eq(scale_for(&rc, six), (unsigned)(127 + j - 2), "rceil 6 * 2^%d", j - 2);
        cr_assert_eq(scale_for(&rc, nextafter(six, 0)), (unsigned)(127 + j - 2));
        if (127 + j - 1 <= 254)
            cr_assert_eq(scale_for(&rc, nextafter(six, INFINITY)), (unsigned)(127 + j - 1),
                         "rceil above 6 * 2^%d", j - 2);
    }
}

/* Every E2M1 code at every E8M0 exponent: the block {v * 2^k, 6 * 2^k} gets
 * scale 2^k under every rule and gives back code and value exactly. */
Test(block_quant, every_e2m1_code_every_e8m0_exponent)
{
    const char *specs[] = {"mxfp4/floor", "mxfp4/rceil", "mxfp4/even"};
    for (int s = 0; s < 3; s++) {
        nb_block_format b = bf_of(specs[s]);
        for (unsigned e = 0; e <= 254; e++)
            for (unsigned c = 0; c < 16; c++) {
                if (!b.elem.used[c])
                    continue; /* -0 is never emitted */
                double k = ldexp(1.0, (int)e - 127);
                double x[2] = {b.elem.hw[c] * k, 6 * k};
                uint8_t codes[2];
                uint16_t sc;
                nb_block_quantize_block(&b, x, 2, 1, codes, &sc);
                cr_assert_eq(sc, e, "%s code %u exponent %u: scale %u", specs[s], c, e, sc);
                cr_assert_eq(codes[0], c, "%s exponent %u: code %u came back as %u", specs[s], e,
                             c, codes[0]);
                cr_assert_eq(nb_block_decode(&b, codes[0], sc, 1), x[0]);
            }
        /* Through the float tensor API where the block fits a float (6 * 2^125). */
        float row[2 * 16];
        for (unsigned e = 0; e <= 252; e++) {
            for (unsigned c = 0; c < 16; c++) {
                row[2 * c] = (float)(b.elem.hw[c] * ldexp(1.0, (int)e - 127));
                row[2 * c + 1] = (float)(6 * ldexp(1.0, (int)e - 127));
            }
            nb_block_format b2 = b;
            b2.block = 2;
            nb_block_qtensor q;
            nb_err err;
            cr_assert(nb_block_quantize(row, 1, 32, &b2, &q, &err), "%s", err.msg);
            float back[32];
            nb_block_dequantize(&q, back);
            for (unsigned c = 0; c < 16; c++) {
                cr_assert_eq(q.scales[c], e);
                cr_assert_eq(back[2 * c], row[2 * c], "exponent %u code %u", e, c);
            }
            nb_block_qtensor_free(&q);
        }
    }
}

/* OCP FP4 round-to-nearest-even at the midpoints, by hand: codes 0..7 are
 * 0, 0.5, 1, 1.5, 2, 3, 4, 6; a tie goes to the even code. */
Test(block_quant, e2m1_ties_by_hand)
{
    nb_block_format b = bf_of("mxfp4");
    const double mid[] = {0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5.0};
    const uint8_t want[] = {0, 2, 2, 4, 4, 6, 6};
    const double scales[] = {0x1p-127, 0x1p-3, 1, 0x1p40, 0x1p127};
    for (int s = 0; s < 5; s++)
        for (int i = 0; i < 7; i++) {
            cr_assert_eq(nb_block_encode_element(&b, mid[i] * scales[s], scales[s]), want[i]);
            /* Negative ties mirror; -0.25 goes to zero, emitted as +0 (code 0000). */
            cr_assert_eq(nb_block_encode_element(&b, -mid[i] * scales[s], scales[s]),
                         i == 0 ? 0 : want[i] | 8, "negative tie %g", -mid[i]);
        }
}

/* Every element format: x = midpoint * s for scales of every scale format;
 * the tie goes where the element's rounding says, the next float above to
 * the upper value and the next below to the lower one. */
Test(block_quant, ties_for_every_element_format)
{
    const struct {
        const char *scale;
        unsigned code;
    } sc[] = {{"e8m0", 122}, {"e8m0", 130}, {"fp16", 0x3A66}, {"fp16", 0x2E35},
              {"bf16", 0x3FB5}, {"ue4m3", 0x3B}, {"ue4m3", 0x05}};
    /* Element specs from the ExMy parser, where this build has it. */
    const char *specs[] = {"fp:e3m2:special=none", "fp:e2m3:special=none", "fp:e4m3:special=fn",
                           "fp:e5m2:special=ieee", "int:3", "uint:6"};
    const int nspec = (int)(sizeof specs / sizeof specs[0]);
    int checked = 0, reciprocal_flips = 0;
    for (int fi = 0; fi < nb_format_builtin_count() + nspec; fi++) {
        const char *name = fi < nb_format_builtin_count() ? nb_format_builtin_name(fi)
                                                          : specs[fi - nb_format_builtin_count()];
        nb_format probe;
        nb_err perr;
        if (strcmp(name, "overq") == 0 || !nb_format_parse(name, NULL, &probe, &perr))
            continue;
        for (size_t si = 0; si < sizeof sc / sizeof sc[0]; si++) {
            char spec[96];
            snprintf(spec, sizeof spec, "mx:%s/%s/32", name, sc[si].scale);
            nb_block_format b = bf_of(spec);
            double s = nb_scale_decode(b.scale, sc[si].code);
            const nb_format *f = &b.elem;
            for (int i = 0; i + 1 < f->num_values; i++) {
                double x = f->midpoints[i] * s;
                cr_assert_eq((double)(float)x, x, "%s: the tie input is a float", spec);
                uint8_t lo = f->value_code[i], hi = f->value_code[i + 1];
                uint8_t want = lo;
                if (b.rounding == NB_ROUND_NEAREST_EVEN && (lo & 1) && !(hi & 1))
                    want = hi;
                cr_assert_eq(nb_block_encode_element(&b, x, s), want, "%s tie %d (%.9g)", spec, i,
                             x);
                float up = nextafterf((float)x, INFINITY), down = nextafterf((float)x, -INFINITY);
                cr_assert_eq(nb_block_encode_element(&b, up, s), hi, "%s above tie %d", spec, i);
                cr_assert_eq(nb_block_encode_element(&b, down, s), lo, "%s below tie %d", spec, i);
                /* What a reciprocal would do: binary32 x * (1/s), as kernels compute it. */
                float r = (float)x * (1.0f / (float)s);
                if ((double)r != f->midpoints[i])
                    reciprocal_flips++;
                checked++;
            }
        }
    }
    cr_assert_gt(checked, 1000);
    /* Not every tie survives a reciprocal: the division is what keeps them. */
    cr_assert_gt(reciprocal_flips, 0);
}

/* NVFP4 (NVIDIA's recipe): T = amax_tensor / (6 * 448) in binary32, block
 * scale amax_block / (6 T) rounded to UE4M3, elements x / (scale * T). */
Test(block_quant, nvfp4_scales)
{
    nb_block_format b = bf_of("nvfp4");
    cr_assert_eq(nb_block_tensor_scale(&b, 2688.0), 1.0f);
    cr_assert_eq(nb_block_tensor_scale(&b, 1.0), 1.0f / 2688.0f);
    const struct {
        double amax;
        unsigned code;
    } t[] = {{2688.0, 0x7E},  /* 448 */
             {3000.0, 0x7E},  /* 500 saturates to 448 */
             {6.375, 0x38},   /* 1.0625: tie -> 1 */
             {102.0, 0x58},   /* 17: tie -> 16 */
             {6.0, 0x38}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        cr_assert_eq(nb_block_select_scale(&b, t[i].amax, 1.0), t[i].code, "amax %g", t[i].amax);
    /* A tensor: 16 values, max 2688 in the first block; second block max 6.375. */
    float x[32] = {0};
    x[0] = 2688.0f;
    x[1] = 3.5f * 448.0f; /* 3.5 -> tie -> 4 (RNE) */
    x[16] = 6.375f;       /* clips to 6 under scale 1 */
    x[17] = -0.75f;       /* -0.75 -> tie -> -1 (RNE) */
    nb_block_qtensor q;
    nb_err err;
    cr_assert(nb_block_quantize(x, 1, 32, &b, &q, &err), "%s", err.msg);
    cr_assert_eq(q.tensor_scale, 1.0f);
    cr_assert_eq(q.scales[0], 0x7E);
    cr_assert_eq(q.scales[1], 0x38);
    float y[32];
    nb_block_dequantize(&q, y);
    cr_assert_eq(y[0], 2688.0f);
    cr_assert_eq(y[1], 4.0f * 448.0f);
    cr_assert_eq(y[16], 6.0f);
    cr_assert_eq(y[17], -1.0f);
    nb_block_qtensor_free(&q);
}

Test(block_quant, all_zero_blocks_and_the_nan_code)
{
    const char *specs[] = {"mxfp4", "mxfp4/floor", "nvfp4", "int4/fp16/128", "mx:sf4/bf16/8"};
    const unsigned zero_scale[] = {0x00, 0x00, 0x00, 0x0000, 0x0000};
    for (int s = 0; s < 5; s++) {
        nb_block_format b = bf_of(specs[s]);
        float x[256] = {0};
        x[200] = 3.0f; /* a nonzero block later in the row */
        nb_block_qtensor q;
        nb_err err;
        cr_assert(nb_block_quantize(x, 1, 256, &b, &q, &err), "%s", err.msg);
        cr_assert_eq(q.scales[0], zero_scale[s], "%s: all-zero block's scale code", specs[s]);
        for (int i = 0; i < 8; i++)
            cr_assert_eq(q.codes[i], b.elem.zero_code, "%s", specs[s]);
        float y[256];
        nb_block_dequantize(&q, y);
        for (int i = 0; i < 256; i++)
            if (i != 200)
                cr_assert_eq(y[i], 0.0f, "%s element %d: %g", specs[s], i, (double)y[i]);
        cr_assert(fabsf(y[200] - 3.0f) < 0.01f, "%s: the nonzero block: %g", specs[s],
                  (double)y[200]);
        nb_block_qtensor_free(&q);
    }
    /* An all-zero tensor under NVFP4: T = 0, every scale and code zero. */
    nb_block_format nv = bf_of("nvfp4");
    float z[16] = {0};
    nb_block_qtensor q;
    nb_err err;
    cr_assert(nb_block_quantize(z, 1, 16, &nv, &q, &err));
    cr_assert_eq(q.tensor_scale, 0.0f);
    cr_assert_eq(q.scales[0], 0);
    nb_block_qtensor_free(&q);
    /* The NaN code decodes to NaN for every element, zero included. */
    nb_block_format b = bf_of("mxfp4");
    for (unsigned c = 0; c < 16; c++)
        cr_assert(isnan(nb_block_decode(&b, (uint8_t)c, NB_E8M0_NAN, 1)));
    /* Inputs with NaN are refused, naming the index: the quantizer never makes 0xFF. */
    float bad[4] = {1, 2, NAN, 4};
    cr_assert_not(nb_block_quantize(bad, 1, 4, &b, &q, &err));
    cr_assert(strstr(err.msg, "element 2 is NaN"), "%s", err.msg);
}

/* Elements whose largest value is 1 (SF4, NF4): floor's scale is the power
 * of two at or below amax, so every block maximum that is not a power of two
 * clips to 1 * scale; rceil never clips. */
Test(block_quant, floor_clips_every_block_max_for_max_one_elements)
{
    const char *elems[] = {"sf4", "nf4"};
    for (int e = 0; e < 2; e++) {
        char fs[64], rs[64];
        snprintf(fs, sizeof fs, "mx:%s/e8m0/32/floor", elems[e]);
        snprintf(rs, sizeof rs, "mx:%s/e8m0/32/rceil", elems[e]);
        nb_block_format fl = bf_of(fs), rc = bf_of(rs);
        for (int j = 0; j < 64; j++) {
            double amax = 1.0 + j / 64.0; /* [1, 2) */
            double x[2] = {amax, 0.1};
            uint8_t codes[2];
            uint16_t sc;
            nb_block_quantize_block(&fl, x, 2, 1, codes, &sc);
            cr_assert_eq(sc, 127, "floor scale of %g is 2^0", amax);
            cr_assert_eq(nb_block_decode(&fl, codes[0], sc, 1), 1.0, "%s floor: %g clips to 1",
                         elems[e], amax);
            /* rceil: amax / scale stays within the element range (no clipping). */
            nb_block_quantize_block(&rc, x, 2, 1, codes, &sc);
            cr_assert_eq(sc, j == 0 ? 127 : 128, "rceil scale of %g", amax);
            cr_assert_leq(amax / nb_scale_decode(NB_SF_E8M0, sc), 1.0);
        }
    }
}

/* Blocks follow K; the last one is shorter when K is not a multiple. */
Test(block_quant, partial_last_block)
{
    nb_block_format b = bf_of("mx:int4/e8m0/4/rceil");
    const float x[6] = {1, 2, 3, 7, 12, -28};
    nb_block_qtensor q;
    nb_err err;
    cr_assert(nb_block_quantize(x, 1, 6, &b, &q, &err), "%s", err.msg);
    cr_assert_eq(q.blocks_per_row, 2);
    cr_assert_eq(q.scales[0], 127, "max 7 fits int4 at 2^0");
    cr_assert_eq(q.scales[1], 129, "max 28: 28 / 7 = 4");
    float y[6];
    nb_block_dequantize(&q, y);
    for (int i = 0; i < 6; i++)
        cr_assert_eq(y[i], x[i]);
    nb_block_qtensor_free(&q);
}
