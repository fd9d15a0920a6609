/* Quantizer semantics: scales per tensor / channel / group, clipping, the
 * defined edge cases (zero groups, NaN, infinities, subnormals). */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "nibble/num.h"

static nb_format load(const char *spec)
{
    nb_format f;
    nb_err err;
    cr_assert(nb_format_parse(spec, NULL, &f, &err), "%s", err.msg);
    return f;
}

Test(quant, group_scale_is_absmax_over_max_value)
{
    nb_format f = load("e2m1");
    /* 1 row, 6 columns, groups of 3: absmax 3 and 12 */
    const float x[6] = {1, -3, 0.4f, 12, 6, -1};
    nb_quant_opts o = nb_quant_opts_default();
    o.group_size = 3;
    nb_qtensor q;
    nb_err err;
    cr_assert(nb_quantize(x, 1, 6, &f, &o, &q, &err), "%s", err.msg);
    cr_assert_eq(q.num_scales, 2);
    cr_assert_eq(q.scales[0], 3.0 / 6.0);
    cr_assert_eq(q.scales[1], 12.0 / 6.0);
    float y[6];
    nb_dequantize(&q, y);
    /* 1/0.5 = 2 -> 2; -3/0.5 = -6; 0.4/0.5 = 0.8 -> 1;  12/2 = 6; 6/2 = 3; -1/2 = -0.5 */
    const float want[6] = {1, -3, 0.5f, 12, 6, -1};
    for (int i = 0; i < 6; i++)
        cr_assert_eq(y[i], want[i], "element %d: %g", i, (double)y[i]);
    nb_qtensor_free(&q);
}

Test(quant, channel_and_tensor_scales)
{
    nb_format f = load("int4");
    const float x[6] = {7, 1, -2, /* row 1 */ 0.5f, -14, 3};
    nb_quant_opts o = nb_quant_opts_default();
    nb_qtensor q;
    nb_err err;
    o.granularity = NB_SCALE_CHANNEL;
    cr_assert(nb_quantize(x, 2, 3, &f, &o, &q, &err));
    cr_assert_eq(q.num_scales, 2);
    cr_assert_eq(q.scales[0], 1.0);
    cr_assert_eq(q.scales[1], 2.0);
    cr_assert_eq(f.hw[q.codes[3]], 0.0, "0.5/2 = 0.25 rounds to 0");
    nb_qtensor_free(&q);
    o.granularity = NB_SCALE_TENSOR;
    cr_assert(nb_quantize(x, 2, 3, &f, &o, &q, &err));
    cr_assert_eq(q.num_scales, 1);
    cr_assert_eq(q.scales[0], 2.0);
    nb_qtensor_free(&q);
}

Test(quant, group_not_dividing_row)
{
    nb_format f = load("int4");
    float x[10];
    for (int i = 0; i < 10; i++)
        x[i] = (float)(i + 1);
    nb_quant_opts o = nb_quant_opts_default();
    o.group_size = 4; /* groups [0,4) [4,8) [8,10) */
    nb_qtensor q;
    nb_err err;
    cr_assert(nb_quantize(x, 1, 10, &f, &o, &q, &err));
    cr_assert_eq(q.num_scales, 3);
    cr_assert_eq(q.scales[2], 10.0 / 7.0);
    nb_qtensor_free(&q);
}

Test(quant, clipping_quantile)
{
    nb_format f = load("int4");
    const float x[4] = {10, 5, -2, 1};
    nb_quant_opts o = nb_quant_opts_default();
    o.granularity = NB_SCALE_TENSOR;
    o.clip = 0.5;
    nb_qtensor q;
    nb_err err;
    cr_assert(nb_quantize(x, 1, 4, &f, &o, &q, &err));
    cr_assert_eq(q.scales[0], 5.0 / 7.0);
    cr_assert_eq(f.hw[q.codes[0]], 7.0, "10 clips to the top value");
    cr_assert_eq(f.hw[q.codes[1]], 7.0);
    nb_qtensor_free(&q);
    o.clip = 0;
    cr_assert(!nb_quantize(x, 1, 4, &f, &o, &q, &err));
    cr_assert(strstr(err.msg, "clipping"));
    o.clip = 1.5;
    cr_assert(!nb_quantize(x, 1, 4, &f, &o, &q, &err));
}

Test(quant, zero_group_is_exact_zero)
{
    nb_format f = load("sf4");
    const float x[8] = {0, 0, 0, 0, 1, -1, 0.5f, 0};
    nb_quant_opts o = nb_quant_opts_default();
    o.group_size = 4;
    nb_qtensor q;
    nb_err err;
    cr_assert(nb_quantize(x, 1, 8, &f, &o, &q, &err));
    cr_assert_eq(q.scales[0], 0.0);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(q.codes[i], f.zero_code);
    float y[8];
    nb_dequantize(&q, y);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(y[i], 0.0f);
    cr_assert_eq(y[4], 1.0f);
    nb_qtensor_free(&q);
}

Test(quant, nan_and_infinity_rejected_with_index)
{
    nb_format f = load("int4");
    float x[5] = {1, 2, NAN, 4, 5};
    nb_quant_opts o = nb_quant_opts_default();
    nb_qtensor q;
    nb_err err;
    cr_assert(!nb_quantize(x, 1, 5, &f, &o, &q, &err));
    cr_assert(strstr(err.msg, "element 2 is NaN"), "%s", err.msg);
    x[2] = -INFINITY;
    cr_assert(!nb_quantize(x, 1, 5, &f, &o, &q, &err));
    cr_assert(strstr(err.msg, "element 2 is infinite"), "%s", err.msg);
    cr_assert_null(q.codes, "nothing allocated on failure");
}

Test(quant, subnormal_inputs_keep_their_shape)
{
    nb_format f = load("e2m1");
    float x[4];
    /* a group of subnormal floats: same codes as the normal-range group scaled up */
    const float base[4] = {6, -3, 1, 0.5f};
    for (int i = 0; i < 4; i++)
        x[i] = base[i] * 1e-40f;
    cr_assert(fpclassify(x[0]) == FP_SUBNORMAL);
    nb_quant_opts o = nb_quant_opts_default();
    nb_qtensor q, r;
    nb_err err;
    cr_assert(nb_quantize(x, 1, 4, &f, &o, &q, &err));
    cr_assert(nb_quantize(base, 1, 4, &f, &o, &r, &err));
    for (int i = 0; i < 4; i++)
        cr_assert_eq(q.codes[i], r.codes[i], "element %d", i);
    cr_assert_gt(q.scales[0], 0.0);
    nb_qtensor_free(&q);
    nb_qtensor_free(&r);
}

Test(quant, group_zero_rejected)
{
    nb_format f = load("int4");
    const float x[2] = {1, 2};
    nb_quant_opts o = nb_quant_opts_default();
    o.group_size = 0;
    nb_qtensor q;
    nb_err err;
    cr_assert(!nb_quantize(x, 1, 2, &f, &o, &q, &err));
    cr_assert(strstr(err.msg, "group size 0"), "%s", err.msg);
}

Test(quant, quantize_is_idempotent_on_grid_values)
{
    /* values already on the format grid (times a power-of-two scale) survive exactly */
    nb_format f = load("e2m1-sp");
    float x[16];
    for (int i = 0; i < f.num_values; i++)
        x[i] = (float)(f.values[i] * 0.25);
    nb_quant_opts o = nb_quant_opts_default();
    o.granularity = NB_SCALE_TENSOR;
    nb_qtensor q;
    nb_err err;
    cr_assert(nb_quantize(x, 1, (size_t)f.num_values, &f, &o, &q, &err));
    float y[16];
    nb_dequantize(&q, y);
    for (int i = 0; i < f.num_values; i++)
        cr_assert_eq(y[i], x[i]);
    nb_qtensor_free(&q);
}

Test(metrics, sqnr_by_hand)
{
    /* x = (3, 4): signal 25; y = (3, 3): noise 1 -> SQNR = 10 log10(25) = 13.979 dB */
    const float x[2] = {3, 4}, y[2] = {3, 3};
    nb_error_stats s = nb_error_stats_float(x, y, 2);
    cr_assert_float_eq(s.sqnr_db, 13.979400086720377, 1e-12);
    cr_assert_eq(s.mse, 0.5);
    cr_assert_eq(s.max_abs_error, 1.0);
    cr_assert(isinf(nb_error_stats_float(x, x, 2).sqnr_db));
}

Test(random, seeded_and_deterministic)
{
    nb_dist d;
    nb_err err;
    cr_assert(nb_dist_parse("t:5", &d, &err));
    float a[1000], b[1000], c[1000];
    nb_rng *r1 = nb_rng_new(42), *r2 = nb_rng_new(42), *r3 = nb_rng_new(43);
    nb_rng_fill(r1, &d, a, 1000);
    nb_rng_fill(r2, &d, b, 1000);
    nb_rng_fill(r3, &d, c, 1000);
    cr_assert(memcmp(a, b, sizeof a) == 0);
    cr_assert(memcmp(a, c, sizeof a) != 0);
    nb_rng_free(r1);
    nb_rng_free(r2);
    nb_rng_free(r3);
}

static void moments(const char *spec, double want_var, double tol)
{
    nb_dist d;
    nb_err err;
    cr_assert(nb_dist_parse(spec, &d, &err));
    nb_rng *r = nb_rng_new(1);
    double s = 0, s2 = 0;
    int n = 400000;
    for (int i = 0; i < n; i++) {
        double x = nb_rng_sample(r, &d);
        s += x;
        s2 += x * x;
    }
    nb_rng_free(r);
    double mean = s / n, var = s2 / n - mean * mean;
    cr_assert_lt(fabs(mean), 0.02, "%s mean %g", spec, mean);
    cr_assert_lt(fabs(var - want_var) / want_var, tol, "%s var %g want %g", spec, var, want_var);
}

Test(random, distribution_moments)
{
    moments("normal", 1.0, 0.02);
    moments("laplace", 2.0, 0.03);
    moments("t:5", 5.0 / 3.0, 0.06); /* nu / (nu - 2) */
}

Test(random, relu_zeroes_about_half)
{
    nb_dist d;
    nb_err err;
    cr_assert(nb_dist_parse("relu-t:5", &d, &err));
    nb_rng *r = nb_rng_new(3);
    int zeros = 0, n = 100000;
    for (int i = 0; i < n; i++) {
        double x = nb_rng_sample(r, &d);
        cr_assert_geq(x, 0.0);
        zeros += x == 0;
    }
    nb_rng_free(r);
    cr_assert_lt(fabs(zeros / (double)n - 0.5), 0.01);
}

Test(random, bad_specs)
{
    nb_dist d;
    nb_err err;
    cr_assert(!nb_dist_parse("t:0", &d, &err));
    cr_assert(!nb_dist_parse("t:", &d, &err));
    cr_assert(!nb_dist_parse("cauchy", &d, &err));
    cr_assert(strstr(err.msg, "unknown distribution"));
}
