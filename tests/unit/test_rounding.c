/* Rounding against independent brute-force implementations: a dense float32
 * sweep for E2M1 (every midpoint and its neighbouring floats included), RNE,
 * and every builtin format. */
#include <criterion/criterion.h>
#include <math.h>

#include "nibble/num.h"

/* Independent E2M1 value list and "mantissa is even" facts (OCP FP4). */
static const double E2M1[15] = {-6, -4, -3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 4, 6};
static bool e2m1_even(double v)
{
    double a = fabs(v);
    return a == 0 || a == 1 || a == 2 || a == 4;
}

/* Nearest value by exhaustive distance comparison; ties to the lower value,
 * or (rne) to the value whose mantissa is even. */
static double brute_nearest(const double *vals, int n, double x, bool rne, bool (*even)(double))
{
    /* beyond the ends, distances in double cannot separate the ends: clip */
    if (x >= vals[n - 1])
        return vals[n - 1];
    if (x <= vals[0])
        return vals[0];
    int best = 0;
    for (int i = 1; i < n; i++) {
        double d = fabs(x - vals[i]), db = fabs(x - vals[best]);
        if (d < db || (d == db && rne && even(vals[i]) && !even(vals[best])))
            best = i;
    }
    return vals[best];
}

static void check_e2m1(const nb_format *f, float x, bool rne)
{
    double want = brute_nearest(E2M1, 15, (double)x, rne, e2m1_even);
    uint8_t code = nb_round_to_code(f, (double)x, rne ? NB_ROUND_NEAREST_EVEN : NB_ROUND_NEAREST_LOWER);
    cr_assert_eq(f->hw[code], want, "x=%.9g (%a): got %g want %g", (double)x, (double)x, f->hw[code],
                 want);
    cr_assert(f->used[code], "emitted the redundant code for x=%g", (double)x);
}

Test(rounding, e2m1_dense_sweep_and_midpoints)
{
    nb_format f;
    nb_err err;
    cr_assert(nb_format_parse("e2m1", NULL, &f, &err));
    for (int rne = 0; rne <= 1; rne++) {
        /* 2^21 evenly spaced floats over [-8, 8] */
        for (int i = 0; i <= (1 << 21); i++)
            check_e2m1(&f, (float)(-8.0 + 16.0 * i / (1 << 21)), rne);
        /* every midpoint and the 4 floats either side of it */
        for (int i = 0; i + 1 < 15; i++) {
            float mid = (float)((E2M1[i] + E2M1[i + 1]) / 2);
            float lo = mid, hi = mid;
            check_e2m1(&f, mid, rne);
            for (int k = 0; k < 4; k++) {
                lo = nextafterf(lo, -INFINITY);
                hi = nextafterf(hi, INFINITY);
                check_e2m1(&f, lo, rne);
                check_e2m1(&f, hi, rne);
            }
        }
        /* extremes, signed zeros, subnormal floats, beyond the range */
        const float special[] = {0.0f, -0.0f, 1e-45f, -1e-45f, 1.17549435e-38f, 5.877e-39f,
                                 6.0f, -6.0f, 7.0f, 100.0f, -100.0f, 3.4e38f, -3.4e38f};
        for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
            check_e2m1(&f, special[i], rne);
    }
}

Test(rounding, paper_tie_examples)
{
    nb_format f;
    nb_err err;
    cr_assert(nb_format_parse("e2m1", NULL, &f, &err));
    /* formats.md: -0.25 -> -0.5 and 0.75 -> 0.5 under the paper's rule */
    cr_assert_eq(f.hw[nb_round_to_code(&f, -0.25, NB_ROUND_NEAREST_LOWER)], -0.5);
    cr_assert_eq(f.hw[nb_round_to_code(&f, 0.75, NB_ROUND_NEAREST_LOWER)], 0.5);
    cr_assert_eq(f.hw[nb_round_to_code(&f, 0.75, NB_ROUND_NEAREST_EVEN)], 1.0);
    cr_assert_eq(f.hw[nb_round_to_code(&f, 5.0, NB_ROUND_NEAREST_EVEN)], 4.0);
    cr_assert_eq(f.hw[nb_round_to_code(&f, -2.5, NB_ROUND_NEAREST_EVEN)], -2.0);
}

/* Generic brute force over a format's own value list (independent of the
 * midpoint binary search). */
static void check_generic(const nb_format *f, double x)
{
    double want = brute_nearest(f->values, f->num_values, x, false, NULL);
    double got = f->hw[nb_round_to_code(f, x, NB_ROUND_NEAREST_LOWER)];
    cr_assert_eq(got, want, "%s x=%.17g: got %.17g want %.17g", f->name, x, got, want);
}

Test(rounding, every_builtin_matches_brute_force)
{
    for (int b = 0; b < nb_format_builtin_count(); b++) {
        nb_format f;
        nb_err err;
        cr_assert(nb_format_parse(nb_format_builtin_name(b), NULL, &f, &err));
        double span = f.max_abs * 1.25;
        for (int i = 0; i <= 20000; i++)
            check_generic(&f, -span + 2 * span * i / 20000);
        for (int i = 0; i + 1 < f.num_values; i++) {
            double mid = (f.values[i] + f.values[i + 1]) / 2;
            check_generic(&f, mid);
            check_generic(&f, nextafter(mid, -INFINITY));
            check_generic(&f, nextafter(mid, INFINITY));
        }
    }
}

Test(rounding, int_rne_goes_to_even)
{
    nb_format f;
    nb_err err;
    cr_assert(nb_format_parse("int4", NULL, &f, &err));
    cr_assert_eq(f.hw[nb_round_to_code(&f, 2.5, NB_ROUND_NEAREST_EVEN)], 2.0);
    cr_assert_eq(f.hw[nb_round_to_code(&f, 3.5, NB_ROUND_NEAREST_EVEN)], 4.0);
    cr_assert_eq(f.hw[nb_round_to_code(&f, -0.5, NB_ROUND_NEAREST_EVEN)], 0.0);
    cr_assert_eq(f.hw[nb_round_to_code(&f, 2.5, NB_ROUND_NEAREST_LOWER)], 2.0);
    cr_assert_eq(f.hw[nb_round_to_code(&f, 3.5, NB_ROUND_NEAREST_LOWER)], 3.0);
    cr_assert_eq(f.hw[nb_round_to_code(&f, -7.9, NB_ROUND_NEAREST_LOWER)], -7.0,
                 "symmetric int4 never emits -8");
}

Test(rounding, rne_refused_where_undefined)
{
    nb_format f;
    nb_err err;
    nb_quant_opts q = nb_quant_opts_default();
    q.rounding = NB_ROUND_NEAREST_EVEN;
    const char *no_rne[] = {"e2m1-sr", "e2m1-sp", "nf4", "sf4", "apot4", "e3m0"};
    for (size_t i = 0; i < sizeof no_rne / sizeof no_rne[0]; i++) {
        cr_assert(nb_format_parse(no_rne[i], NULL, &f, &err));
        cr_assert(!nb_quant_opts_check(&q, &f, &err), "%s", no_rne[i]);
        cr_assert(strstr(err.msg, "nearest-even"));
    }
}
