/* SQNR of cases computed by hand: the metric itself, and a quantization. */
#include <criterion/criterion.h>
#include <math.h>

#include "nibble/metrics.h"
#include "nibble/quant.h"

Test(sqnr, metric_by_hand)
{
    /* signal power (1 + 4 + 9 + 0.25)/4, noise 0.25/4: 10 log10(57) dB */
    const float x[] = {1, -2, 3, 0.5f}, y[] = {1, -2, 3, 0};
    nb_error_stats e = nb_error_stats_float(x, y, 4);
    cr_expect_float_eq(e.mse, 0.0625, 1e-12);
    cr_expect_float_eq(e.sqnr_db, 10 * log10(57.0), 1e-9);
    cr_expect_float_eq(e.max_abs_error, 0.5, 1e-12);
}

Test(sqnr, int4_quantization_by_hand)
{
    /* absmax 7 and int4's max 7: scale 1. 3.4 -> 3, -1.6 -> -2 (nearest),
     * 2.5 -> 2 (tie goes to the lower value), errors 0.4, 0.4, 0.5 */
    const float x[] = {7.0f, 3.4f, -1.6f, 2.5f};
    nb_format f;
    nb_err err;
    nb_format_opts fo = nb_format_opts_default();
    cr_assert(nb_format_parse("int4", &fo, &f, &err), "%s", err.msg);
    nb_quant_opts q = nb_quant_opts_default();
    q.granularity = NB_SCALE_TENSOR;
    nb_qtensor t;
    cr_assert(nb_quantize(x, 1, 4, &f, &q, &t, &err), "%s", err.msg);
    float y[4];
    nb_dequantize(&t, y);
    nb_qtensor_free(&t);
    cr_expect_float_eq(y[1], 3.0f, 1e-6);
    cr_expect_float_eq(y[2], -2.0f, 1e-6);
    cr_expect_float_eq(y[3], 2.0f, 1e-6);
    double signal = (49.0 + 3.4 * 3.4 + 1.6 * 1.6 + 6.25) / 4;
    double noise = (0.16 + 0.16 + 0.25) / 4;
    nb_error_stats e = nb_error_stats_float(x, y, 4);
    cr_expect_float_eq(e.sqnr_db, 10 * log10(signal / noise), 1e-5);
}
