/* The OverQ encoder/decoder: hand-worked cases, tile boundaries, precision
 * overwrite, statistics, and properties on random vectors. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/num.h"

static nb_overq_params P(int c, nb_overq_mode mode, size_t tile)
{
    nb_overq_params p = {c, mode, tile};
    return p;
}

/* Encode u, check nibbles/tags, and decode back to `want` (units of scale). */
static void expect(const uint16_t *u, size_t n, nb_overq_params p, const uint8_t *nib,
                   const uint8_t *tag, const double *want)
{
    uint8_t gn[64], gt[64];
    double v[64];
    nb_overq_encode(u, n, &p, gn, gt, NULL);
    nb_overq_decode(gn, gt, n, &p, v);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(gn[i], nib[i], "slot %zu nibble %u, want %u", i, gn[i], nib[i]);
        cr_assert_eq(gt[i], tag[i], "slot %zu tag %u, want %u", i, gt[i], tag[i]);
        cr_assert_eq(v[i], want[i], "slot %zu value %g, want %g", i, v[i], want[i]);
    }
}

enum { N = NB_TAG_NORMAL, H = NB_TAG_HIGH, M = NB_TAG_MOVED, L = NB_TAG_LOW };

Test(overq, range_overwrite_of_the_adjacent_zero)
{
    const uint16_t u[] = {20, 0, 3};
    expect(u, 3, P(1, NB_OVERQ_RANGE, 0), (uint8_t[]){4, 1, 3}, (uint8_t[]){N, H, N},
           (double[]){20, 0, 3});
}

Test(overq, cascading_moves_values_toward_the_zero)
{
    const uint16_t u[] = {20, 5, 0, 7};
    /* c = 2 reaches the zero two slots down: 5 moves into the zero's slot */
    expect(u, 4, P(2, NB_OVERQ_RANGE, 0), (uint8_t[]){4, 1, 5, 7}, (uint8_t[]){N, H, M, N},
           (double[]){20, 5, 0, 7});
    /* c = 1 cannot: the outlier is clipped */
    expect(u, 4, P(1, NB_OVERQ_RANGE, 0), (uint8_t[]){15, 5, 0, 7}, (uint8_t[]){N, N, N, N},
           (double[]){15, 5, 0, 7});
    /* c = 3, zero three slots away: two values move */
    const uint16_t w[] = {200, 5, 6, 0, 9};
    expect(w, 5, P(3, NB_OVERQ_RANGE, 0), (uint8_t[]){8, 12, 5, 6, 9},
           (uint8_t[]){N, H, M, M, N}, (double[]){200, 5, 6, 0, 9});
}

Test(overq, plain_when_depth_zero)
{
    const uint16_t u[] = {20, 0, 300, 3};
    expect(u, 4, P(0, NB_OVERQ_RANGE, 0), (uint8_t[]){15, 0, 15, 3}, (uint8_t[]){N, N, N, N},
           (double[]){15, 0, 15, 3});
}

Test(overq, outliers_above_255_saturate)
{
    const uint16_t u[] = {255, 0};
    expect(u, 2, P(1, NB_OVERQ_RANGE, 0), (uint8_t[]){15, 15}, (uint8_t[]){N, H},
           (double[]){255, 0});
}

Test(overq, chains_stop_at_tile_boundaries)
{
    const uint16_t u[] = {3, 20, 0, 4};
    /* tiles of 2: the zero at slot 2 belongs to the next tile */
    expect(u, 4, P(2, NB_OVERQ_RANGE, 2), (uint8_t[]){3, 15, 0, 4}, (uint8_t[]){N, N, N, N},
           (double[]){3, 15, 0, 4});
    expect(u, 4, P(1, NB_OVERQ_RANGE, 4), (uint8_t[]){3, 4, 1, 4}, (uint8_t[]){N, N, H, N},
           (double[]){3, 20, 0, 4});
}

Test(overq, a_moved_outlier_is_clipped)
{
    const uint16_t u[] = {20, 30, 0, 0};
    nb_overq_stats st = {0};
    uint8_t n[4], t[4];
    nb_overq_params p = P(2, NB_OVERQ_RANGE, 0);
    nb_overq_encode(u, 4, &p, n, t, &st);
    expect(u, 4, p, (uint8_t[]){4, 1, 15, 0}, (uint8_t[]){N, H, M, N}, (double[]){20, 15, 0, 0});
    cr_assert_eq(st.outliers, 2);
    cr_assert_eq(st.handled, 1);
    cr_assert_eq(st.handled_at[2], 1);
    cr_assert_eq(st.clipped, 1);
    cr_assert_eq(st.zeros, 2);
}

Test(overq, precision_overwrite)
{
    /* inputs in 1/16: 40 = 2.5 followed by a zero gets its fraction bits */
    const uint16_t u[] = {40, 0, 24, 5, 7};
    /* 24 = 1.5 -> v = round(1.5) = 1 (ties lower); 5/16 and 7/16 round to 0, so
     * they are zeros: 1.5 takes the next one for its fraction bits */
    expect(u, 5, P(1, NB_OVERQ_RANGE_PRECISION, 0), (uint8_t[]){2, 8, 1, 8, 0},
           (uint8_t[]){N, L, N, L, N}, (double[]){2.5, 0, 1.5, 0, 0});
    /* without a zero behind it a value keeps 4 bits: 1.5 -> 1 */
    const uint16_t v[] = {24, 17};
    expect(v, 2, P(1, NB_OVERQ_RANGE_PRECISION, 0), (uint8_t[]){1, 1}, (uint8_t[]){N, N},
           (double[]){1, 1});
    /* range and precision together: an outlier (20.0 = 320/16) takes the zero */
    const uint16_t w[] = {320, 0, 40, 0};
    expect(w, 4, P(1, NB_OVERQ_RANGE_PRECISION, 0), (uint8_t[]){4, 1, 2, 8},
           (uint8_t[]){N, H, N, L}, (double[]){20, 0, 2.5, 0});
}

Test(overq, inputs_round_ties_down_and_clamp)
{
    const float x[] = {-1.0f, 0.0f, 1.5f, 2.5f, 100.0f, 1e9f};
    uint16_t u[6];
    nb_overq_inputs(x, 6, 1.0, NB_OVERQ_RANGE, u);
    const uint16_t want[] = {0, 0, 1, 2, 100, 255};
    for (int i = 0; i < 6; i++)
        cr_assert_eq(u[i], want[i], "input %d: %u", i, u[i]);
    nb_overq_inputs(x, 6, 1.0, NB_OVERQ_RANGE_PRECISION, u);
    cr_assert_eq(u[2], 24);
    cr_assert_eq(u[5], 4095);
}

/* Properties on random vectors: every original value is represented exactly
 * (or, for unhandled outliers, clipped to 15), the contributions sum to the
 * decoded dot product, and tags only appear where they may. */
Test(overq, random_vectors_round_trip)
{
    srand(11);
    for (int trial = 0; trial < 3000; trial++) {
        size_t n = 1 + (size_t)(rand() % 40);
        nb_overq_params p = P(rand() % 5, rand() % 2 ? NB_OVERQ_RANGE_PRECISION : NB_OVERQ_RANGE,
                              rand() % 3 ? 0 : 2 + (size_t)(rand() % 8));
        if (p.tile && (size_t)p.cascade >= p.tile)
            p.cascade = (int)p.tile - 1;
        int frac = nb_overq_input_frac(p.mode);
        uint16_t u[40];
        for (size_t i = 0; i < n; i++) {
            int r = rand() % 10;
            unsigned v = r < 5 ? 0 : r < 8 ? (unsigned)(rand() % 16) : 16 + (unsigned)(rand() % 300);
            u[i] = (uint16_t)((v << frac) + (unsigned)(rand() % (1 << frac)));
            if (u[i] > (1u << (8 + frac)) - 1)
                u[i] = (uint16_t)((1u << (8 + frac)) - 1);
        }
        uint8_t nib[40], tag[40];
        double val[40];
        nb_overq_stats st = {0};
        nb_overq_encode(u, n, &p, nib, tag, &st);
        nb_overq_decode(nib, tag, n, &p, val);
        size_t handled = 0;
        int64_t w[40], dot = 0, want_dot_x16 = 0;
        for (size_t i = 0; i < n; i++)
            w[i] = rand() % 31 - 15;
        for (size_t i = 0; i < n; i++) {
            unsigned v = frac ? (u[i] + 7) >> 4 : u[i];
            double exact = v > 255 ? 255 : v;
            bool zero_used = false;
            if (val[i] == exact) {
                handled += v > 15;
            } else if (v > 15) {
                cr_assert_eq(val[i], 15, "trial %d slot %zu: outlier %u decoded as %g", trial, i, v, val[i]);
            } else if (frac && val[i] == u[i] / 16.0) {
                /* precision overwrite */
            } else {
                zero_used = v == 0 && val[i] == 0;
                cr_assert(zero_used, "trial %d slot %zu: %u decoded as %g", trial, i, v, val[i]);
            }
            cr_assert(i % (p.tile ? p.tile : n) != 0 || tag[i] == NB_TAG_NORMAL,
                      "tile start must be NORMAL");
            cr_assert(p.cascade > 0 || tag[i] == NB_TAG_NORMAL);
            cr_assert(frac || tag[i] != NB_TAG_LOW);
            int64_t above = i ? w[i - 1] : 0;
            dot += nb_overq_contribution(nib[i], tag[i], w[i], above, frac);
            want_dot_x16 += (int64_t)(val[i] * 16) * w[i];
        }
        cr_assert_eq(handled, st.handled, "trial %d: %zu handled, stats say %zu", trial, handled, st.handled);
        cr_assert_eq(dot * 16, want_dot_x16 * ((int64_t)1 << frac), "trial %d: contributions disagree with decoding", trial);
    }
}

Test(overq, params_and_tag_bits)
{
    nb_err err;
    nb_overq_params p = P(4, NB_OVERQ_RANGE, 4);
    cr_assert(!nb_overq_params_check(&p, &err));
    cr_assert(strstr(err.msg, "cannot fit in tiles of 4"), "%s", err.msg);
    p.cascade = -1;
    cr_assert(!nb_overq_params_check(&p, &err));
    p = P(0, NB_OVERQ_RANGE, 0);
    cr_assert_eq(nb_overq_tag_bits(&p), 0);
    p.cascade = 1;
    cr_assert_eq(nb_overq_tag_bits(&p), 1);
    p.cascade = 2;
    cr_assert_eq(nb_overq_tag_bits(&p), 2);
    p = P(1, NB_OVERQ_RANGE_PRECISION, 0);
    cr_assert_eq(nb_overq_tag_bits(&p), 2);
    nb_overq_mode m;
    cr_assert(!nb_overq_mode_parse("both", &m, &err));
    cr_assert(strstr(err.msg, "range or range+precision"));
}

Test(overq, mse_scale_beats_absmax_on_heavy_tails)
{
    nb_dist d;
    nb_err err;
    cr_assert(nb_dist_parse("relu-t:4", &d, &err));
    enum { COUNT = 20000 };
    static float x[COUNT];
    nb_rng *r = nb_rng_new(5);
    nb_rng_fill(r, &d, x, COUNT);
    nb_rng_free(r);
    double s = nb_overq_mse_scale(x, COUNT), absmax = 0;
    for (int i = 0; i < COUNT; i++)
        absmax = x[i] > absmax ? x[i] : absmax;
    cr_assert_lt(s, absmax / 15, "heavy tails: the best plain scale clips some outliers");
    cr_assert_gt(s, 0);
}
