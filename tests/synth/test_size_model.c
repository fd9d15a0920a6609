/* The analytic array cost model: exact recovery, rank checks, prediction. */
#include <criterion/criterion.h>
#include <math.h>

#include "nibble/size_model.h"

static double truth(int r, int c)
{
    /* coefficients of the shape a synthesized array shows */
    return 700 + 120 * r + 5600 * c + 10000.0 * r * c + 380 * r * (r - 1) / 2.0 +
           4600 * c * (c - 1) / 2.0;
}

Test(size_model, recovers_exact_coefficients_and_predicts_held_out)
{
    static const int S[][2] = {{1, 1}, {2, 2}, {2, 4}, {4, 2}, {4, 4}, {3, 5}, {8, 4}, {4, 8}};
    nb_size_point p[8];
    for (int i = 0; i < 8; i++)
        p[i] = (nb_size_point){S[i][0], S[i][1], truth(S[i][0], S[i][1])};
    nb_size_model m;
    nb_err err;
    cr_assert(nb_size_model_fit(p, 8, &m, &err), "%s", err.msg);
    cr_expect_float_eq(m.per_pe, 10000, 1e-6);
    cr_expect_float_eq(m.per_skew, 380, 1e-6);
    cr_expect_float_eq(m.per_deskew, 4600, 1e-6);
    cr_expect_lt(m.fit_max_rel_err, 1e-9);
    cr_expect_float_eq(nb_size_model_predict(&m, 8, 8), truth(8, 8), 1e-6);
    cr_expect_float_eq(nb_size_model_predict(&m, 32, 16), truth(32, 16), 1e-3);
}

Test(size_model, refuses_too_few_or_degenerate_sizes)
{
    nb_size_point p[8];
    nb_size_model m;
    nb_err err;
    for (int i = 0; i < 5; i++)
        p[i] = (nb_size_point){i + 1, i + 1, truth(i + 1, i + 1)};
    cr_expect_not(nb_size_model_fit(p, 5, &m, &err));
    cr_expect(strstr(err.msg, "at least 6") != NULL, "%s", err.msg);
    /* square sizes only: rows and columns cannot be told apart */
    for (int i = 0; i < 8; i++)
        p[i] = (nb_size_point){i + 1, i + 1, truth(i + 1, i + 1)};
    cr_expect_not(nb_size_model_fit(p, 8, &m, &err));
    cr_expect(strstr(err.msg, "non-square") != NULL, "%s", err.msg);
}

/* Values near the double range overflow inside least squares: an error, not
 * NaN coefficients that would predict a "0.00%" held-out error. */
Test(size_model, refuses_non_finite_fits)
{
    static const int S[][2] = {{1, 1}, {2, 2}, {2, 4}, {4, 2}, {4, 4}, {3, 5}, {8, 4}, {4, 8}};
    nb_size_point p[8];
    nb_size_model m;
    nb_err err;
    for (int i = 0; i < 8; i++)
        p[i] = (nb_size_point){S[i][0], S[i][1], truth(S[i][0], S[i][1])};
    p[5].value = 1e308;
    cr_expect_not(nb_size_model_fit(p, 8, &m, &err));
    cr_expect(strstr(err.msg, "fit is not finite") != NULL, "%s", err.msg);
    p[5].value = NAN;
    cr_expect_not(nb_size_model_fit(p, 8, &m, &err));
    cr_expect(strstr(err.msg, "value of size 3x5 is nan, not a finite number") != NULL, "%s",
              err.msg);
}
