/* The log density against GSL, skipping of non-finite values, and bad input. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit_samples.h"
#include "nibble/tfit.h"

Test(tfit_input, logpdf_matches_gsl)
{
    const double pts[][4] = {
        /* x, nu, loc, scale */
        {0, 1, 0, 1},      {0.3, 0.5, 0, 1}, {-2.5, 3, 0.5, 2},   {10, 3.7, -1, 0.1},
        {1e3, 0.2, 0, 1},  {0.01, 30, 0, 0.02}, {-4, 500, 1, 1.5}, {7.5, 1000, 0, 3},
    };
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        double x = pts[i][0], nu = pts[i][1], loc = pts[i][2], scale = pts[i][3];
        double want = log(gsl_ran_tdist_pdf((x - loc) / scale, nu) / scale);
        double got = nb_t_logpdf(x, nu, loc, scale);
        cr_expect(fabs(got - want) <= 1e-10 * fmax(1, fabs(want)),
                  "logpdf(%g; nu %g, loc %g, scale %g) = %.15g, GSL %.15g", x, nu, loc, scale,
                  got, want);
    }
    cr_expect(isnan(nb_t_logpdf(0, 0, 0, 1)) && isnan(nb_t_logpdf(0, 5, 0, 0)) &&
              isnan(nb_t_logpdf(0, -1, 0, 1)) && isnan(nb_t_logpdf(0, 5, 0, NAN)));
}

Test(tfit_input, skips_nan_and_inf)
{
    enum { N = 20000, BAD = 40 };
    float *clean = fit_samples("t:6", N, 61, 2, 0.5);
    float *dirty = malloc((N + BAD) * sizeof *dirty);
    cr_assert(dirty);
    /* same finite values in the same order, with NaN/+inf/-inf sprinkled in */
    size_t k = 0;
    for (size_t i = 0; i < N; i++) {
        if (i % (N / BAD) == 0)
            dirty[k++] = (i / (N / BAD)) % 3 == 0 ? NAN : (i / (N / BAD)) % 3 == 1 ? INFINITY
                                                                                      : -INFINITY;
        dirty[k++] = clean[i];
    }
    cr_assert_eq(k, N + BAD);
    nb_t_fit a, b;
    nb_err err = {{0}};
    cr_assert(nb_t_fit_mle(clean, N, 0, &a, &err), "%s", err.msg);
    cr_assert(nb_t_fit_mle(dirty, N + BAD, 0, &b, &err), "%s", err.msg);
    cr_expect_eq(b.n_used, N);
    cr_expect(a.nu == b.nu && a.loc == b.loc && a.scale == b.scale && a.loglik == b.loglik,
              "clean nu %g loc %g scale %g, dirty nu %g loc %g scale %g", a.nu, a.loc, a.scale,
              b.nu, b.loc, b.scale);
    cr_expect(isfinite(b.loglik) && isfinite(b.normal_loglik));
    free(clean);
    free(dirty);
}

/* The call fails and the message mentions `needle`. */
static void expect_fail(const float *x, size_t n, size_t max_samples, const char *needle)
{
    nb_t_fit f;
    nb_err err = {{0}};
    cr_assert(!nb_t_fit_mle(x, n, max_samples, &f, &err), "fit of %zu values should fail", n);
    cr_expect(strstr(err.msg, needle), "message '%s' should mention '%s'", err.msg, needle);
    cr_expect(strstr(err.msg, "t fit"), "message '%s' should say where", err.msg);
}

Test(tfit_input, rejects_bad_input)
{
    float x[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    expect_fail(x, 0, 0, "empty");
    expect_fail(NULL, 0, 0, "empty");
    expect_fail(x, 5, 0, "only 5 of 5 values are finite");
    expect_fail(x, 16, 4, "max_samples");
    float few[10] = {1, NAN, 2, INFINITY, 3, -INFINITY, 4, NAN, 5, 6};
    expect_fail(few, 10, 0, "need at least 8");
    float same[100];
    for (int i = 0; i < 100; i++)
        same[i] = 1.5f;
    expect_fail(same, 100, 0, "zero variance");
}

/* Half the values exactly zero (pruned weights): no finite MLE exists. */
Test(tfit_input, rejects_unbounded_likelihood)
{
    enum { N = 20000 };
    float *x = fit_samples("t:4", N, 71, 0, 0.05);
    for (size_t i = 0; i < N; i += 2)
        x[i] = 0;
    expect_fail(x, N, 0, "unbounded");
    free(x);
}
