/* The fit recovers known parameters: t data of several nu, Gaussian data
 * (nu -> bound), Laplace data (moderate nu), and the result is a maximum. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "fit_samples.h"
#include "nibble/tfit.h"

#define N 200000

static nb_t_fit fit_ok(const float *x, size_t n, size_t max_samples)
{
    nb_t_fit f;
    nb_err err = {{0}};
    cr_assert(nb_t_fit_mle(x, n, max_samples, &f, &err), "fit failed: %s", err.msg);
    return f;
}

static void expect_recovers(double nu, double loc, double scale, uint64_t seed)
{
    char spec[32];
    snprintf(spec, sizeof spec, "t:%g", nu);
    float *x = fit_samples(spec, N, seed, loc, scale);
    nb_t_fit f = fit_ok(x, N, 0);
    cr_expect(fabs(f.nu / nu - 1) < 0.10, "nu %g: fitted %g", nu, f.nu);
    /* 2% of |loc| and of the scale: loc is only meaningful relative to the spread */
    cr_expect(fabs(f.loc - loc) < 0.02 * fmin(fabs(loc), scale), "nu %g: loc %g, want %g", nu,
              f.loc, loc);
    cr_expect(fabs(f.scale / scale - 1) < 0.02, "nu %g: scale %g, want %g", nu, f.scale, scale);
    cr_expect(!f.nu_at_bound && f.n_used == N && f.iterations > 0,
              "nu %g: at bound %d, n_used %zu, %d iterations", nu, f.nu_at_bound, f.n_used,
              f.iterations);
    cr_expect(f.loglik > f.normal_loglik, "nu %g: t should beat the Gaussian (%g vs %g)", nu,
              f.loglik, f.normal_loglik);
    free(x);
}

Test(tfit, recovers_t3) { expect_recovers(3, 0.25, 0.02, 11); }
Test(tfit, recovers_t5) { expect_recovers(5, -4.0, 3.0, 12); }
Test(tfit, recovers_t10) { expect_recovers(10, 1.5, 0.5, 13); }

Test(tfit, gaussian_goes_to_large_nu)
{
    float *x = fit_samples("normal", N, 21, -0.1, 0.03);
    nb_t_fit f = fit_ok(x, N, 0);
    cr_expect(f.nu > 50 || f.nu_at_bound, "Gaussian data: nu %g", f.nu);
    /* the t contains the Gaussian as nu -> inf, so it can only be a hair better */
    cr_expect(f.loglik >= f.normal_loglik - 1e-6 && f.loglik - f.normal_loglik < 1e-4,
              "loglik %.10g vs Gaussian %.10g", f.loglik, f.normal_loglik);
    cr_expect(fabs(f.loc + 0.1) < 0.02 * 0.03 && fabs(f.scale / 0.03 - 1) < 0.02,
              "Gaussian data: loc %g scale %g, want -0.1 and 0.03", f.loc, f.scale);
    free(x);
}

Test(tfit, laplace_gives_moderate_nu)
{
    float *x = fit_samples("laplace", N, 31, 0, 1);
    nb_t_fit f = fit_ok(x, N, 0);
    cr_expect(!f.nu_at_bound && f.nu > 2 && f.nu < 10, "Laplace data: nu %g", f.nu);
    cr_expect(f.loglik > f.normal_loglik + 0.01, "Laplace data: loglik %g vs Gaussian %g",
              f.loglik, f.normal_loglik);
    free(x);
}

/* Moving any parameter 1% away from the MLE must not raise the likelihood,
 * computed here independently of the library. */
Test(tfit, result_is_a_maximum)
{
    float *x = fit_samples("t:5", N, 41, 0.7, 0.2);
    nb_t_fit f = fit_ok(x, N, 0);
    double best = fit_mean_loglik(x, N, f.nu, f.loc, f.scale);
    cr_expect(fabs(best - f.loglik) < 1e-9 * fabs(best), "reported loglik %.15g, recomputed %.15g",
              f.loglik, best);
    for (int sign = -1; sign <= 1; sign += 2) {
        double e = 0.01 * sign;
        double ll_nu = fit_mean_loglik(x, N, f.nu * (1 + e), f.loc, f.scale);
        double ll_scale = fit_mean_loglik(x, N, f.nu, f.loc, f.scale * (1 + e));
        /* 1% of the scale is a finer step than 1% of loc here (|loc| > scale) */
        double ll_loc = fit_mean_loglik(x, N, f.nu, f.loc + e * f.scale, f.scale);
        double ll_loc_rel = fit_mean_loglik(x, N, f.nu, f.loc * (1 + e), f.scale);
        cr_expect(ll_nu < best, "nu %+.0f%%: %.15g > %.15g", 100 * e, ll_nu, best);
        cr_expect(ll_scale < best, "scale %+.0f%%: %.15g > %.15g", 100 * e, ll_scale, best);
        cr_expect(ll_loc < best, "loc %+.2g*scale: %.15g > %.15g", e, ll_loc, best);
        cr_expect(ll_loc_rel < best, "loc %+.0f%%: %.15g > %.15g", 100 * e, ll_loc_rel, best);
    }
    free(x);
}

Test(tfit, subsamples_deterministically)
{
    float *x = fit_samples("t:4", 300000, 51, 0, 1);
    nb_t_fit a = fit_ok(x, 300000, 100000), b = fit_ok(x, 300000, 100000);
    cr_expect_eq(a.n_used, 100000);
    cr_expect(a.nu == b.nu && a.loc == b.loc && a.scale == b.scale && a.loglik == b.loglik,
              "two runs differ");
    cr_expect(fabs(a.nu / 4 - 1) < 0.15 && fabs(a.scale - 1) < 0.03, "nu %g scale %g", a.nu,
              a.scale);
    free(x);
}
