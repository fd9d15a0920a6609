/* The OverQ encoder rule as gen/README.md states it ("OverQ"), held to
 * nb_overq_encode and nb_overq_inputs with vectors worked out by hand:
 * ties to the lower value at both roundings, zero and outlier judged after
 * rounding, precision keeps the truncated integer part and the low nibble,
 * outliers come before precision, moved values clip to 15, chains stay in
 * the tile. tests/gen/encoder_tb.v runs the same vectors on the RTL encoder. */
#include <criterion/criterion.h>

#include "nibble/overq.h"

typedef struct vec {
    const char *what;
    uint16_t u[4];
    uint8_t nib[4], tag[4];
} vec;

enum { N = NB_TAG_NORMAL, H = NB_TAG_HIGH, M = NB_TAG_MOVED, LO = NB_TAG_LOW };

Test(overq_rules, encoder_vectors_of_the_readme)
{
    static const vec v[] = {
        {"tie 24 -> 1, zero u=8, precision", {24, 8, 40, 0}, {1, 8, 2, 8}, {N, LO, N, LO}},
        {"u=9 is not a zero, truncation", {25, 9, 0, 0}, {2, 0, 9, 0}, {N, N, LO, N}},
        {"outlier, zero after rounding at 2", {648, 100, 7, 50}, {8, 2, 6, 3}, {N, H, M, N}},
        {"outlier without a zero in reach", {800, 9, 30, 9}, {15, 1, 2, 1}, {N, N, N, N}},
        {"second outlier moved is clipped", {320, 500, 0, 0}, {4, 1, 15, 0}, {N, H, M, N}},
        {"outlier before precision", {30, 400, 3, 0}, {2, 9, 1, 0}, {N, N, H, N}},
        {"clamp 255, precision at the end", {4095, 0, 20, 4}, {15, 15, 1, 4}, {N, H, N, LO}},
        {"last row never starts a chain", {300, 0, 0, 1000}, {3, 1, 0, 15}, {N, H, N, N}},
    };
    nb_overq_params p = {2, NB_OVERQ_RANGE_PRECISION, 4};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t nib[4], tag[4];
        nb_overq_encode(v[i].u, 4, &p, nib, tag, NULL);
        for (int k = 0; k < 4; k++) {
            cr_expect_eq(nib[k], v[i].nib[k], "%s: row %d nibble %u, documented %u", v[i].what, k,
                         nib[k], v[i].nib[k]);
            cr_expect_eq(tag[k], v[i].tag[k], "%s: row %d tag %u, documented %u", v[i].what, k,
                         tag[k], v[i].tag[k]);
        }
    }
}

/* A tile boundary ends every chain: the outlier in the last row of the first
 * tile of 4 is clipped although the next tile starts with a zero. */
Test(overq_rules, chains_stay_in_the_tile)
{
    uint16_t u[8] = {0, 0, 0, 300, 0, 0, 0, 0};
    uint8_t nib[8], tag[8];
    nb_overq_params p = {2, NB_OVERQ_RANGE_PRECISION, 4};
    nb_overq_encode(u, 8, &p, nib, tag, NULL);
    cr_expect_eq(nib[3], 15);
    cr_expect_eq(tag[4], NB_TAG_NORMAL);
}

/* Host inputs: nearest with ties to the lower value, clamped, negatives 0;
 * x / scale = 0.52 lands on u = 8 (a tie), hence a zero after rounding. */
Test(overq_rules, inputs_round_ties_down_and_clamp)
{
    float x[] = {0.5f, 0.53125f, 0.52f, 1.5f, -3.0f, 1000.0f, 0.5625f};
    uint16_t u[7];
    nb_overq_inputs(x, 7, 1.0, NB_OVERQ_RANGE_PRECISION, u);
    cr_expect_eq(u[0], 8);    /* 0.5 * 16 = 8 exactly */
    cr_expect_eq(u[1], 8);    /* 8.5 is a tie: down */
    cr_expect_eq(u[2], 8);    /* 8.32 -> 8 */
    cr_expect_eq(u[3], 24);
    cr_expect_eq(u[4], 0);
    cr_expect_eq(u[5], 4095); /* clamped to 2^12 - 1 */
    cr_expect_eq(u[6], 9);
    nb_overq_inputs(x, 7, 1.0, NB_OVERQ_RANGE, u);
    cr_expect_eq(u[0], 0);    /* 0.5 is a tie: down */
    cr_expect_eq(u[3], 1);    /* 1.5 too */
    cr_expect_eq(u[5], 255);
    uint8_t nib[4], tag[4];
    uint16_t z[4] = {8, 0, 0, 0};
    nb_overq_params p = {1, NB_OVERQ_RANGE_PRECISION, 4};
    nb_overq_encode(z, 4, &p, nib, tag, NULL);
    cr_expect_eq(nib[0], 0, "u = 8 is a zero: nothing of it survives");
}
