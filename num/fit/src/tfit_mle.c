/* nb_t_fit_mle: the ECME driver (Liu & Rubin 1995). Each iteration is an EM
 * step for loc/scale at fixed nu, then an exact maximisation of the
 * likelihood over nu at the new loc/scale; the likelihood never decreases. */
#include <math.h>
#include <string.h>

#include "nibble/tfit.h"
#include "tfit_internal.h"

#define TF_REL_TOL 1e-10
#define TF_MAX_ITER 1000

bool nb_t_fit_mle(const float *x, size_t n, size_t max_samples, nb_t_fit *out, nb_err *err)
{
    if (!out)
        return nb_fail(err, "t fit: result pointer is NULL; pass an nb_t_fit to fill");
    memset(out, 0, sizeof *out);
    nb_gsl_errors_off(); /* lngamma/psi of extreme nu: NaN, not abort */
    tf_data d;
    if (!tf_data_gather(x, n, max_samples, &d, err))
        return false;
    double loc, scale;
    if (!tf_robust_start(&d, &loc, &scale)) {
        size_t n_used = d.n;
        tf_data_free(&d);
        return nb_fail(err, "t fit: out of memory for the median of %zu samples; lower "
                       "max_samples", n_used);
    }
    double scale0 = scale;
    tf_nu_eval e = tf_nu_maximise(&d, tf_nu_grid(&d, loc, scale), loc, scale);
    int it = 0;
    while (it < TF_MAX_ITER) {
        it++;
        double prev = e.f;
        tf_em_step(&d, exp(e.s), &loc, &scale);
        /* A scale collapsing onto a repeated value drives the likelihood to
         * +inf; there is no MLE to report. */
        if (!(scale > 1e-9 * scale0) || !isfinite(loc)) {
            size_t n_used = d.n;
            tf_data_free(&d);
            return nb_fail(err, "t fit: the likelihood is unbounded (scale collapsed to %g around "
                           "the value %g in %zu samples): too many samples share one value; drop "
                           "the repeated value (e.g. pruned zeros) before fitting",
                           scale, loc, n_used);
        }
        e = tf_nu_maximise(&d, e.s, loc, scale);
        if (fabs(e.f - prev) <= TF_REL_TOL * fmax(1.0, fabs(e.f)))
            break;
    }
    /* exp(log(bound)) can land an ulp outside the documented range */
    out->nu = fmin(fmax(exp(e.s), NB_T_FIT_NU_MIN), NB_T_FIT_NU_MAX);
    out->loc = loc;
    out->scale = scale;
    out->loglik = e.f;
    out->normal_loglik = tf_normal_loglik(&d);
    out->iterations = it;
    double lo = log(NB_T_FIT_NU_MIN), hi = log(NB_T_FIT_NU_MAX);
    out->nu_at_bound = e.s <= lo + 1e-6 || e.s >= hi - 1e-6;
    out->n_used = d.n;
    tf_data_free(&d);
    return true;
}
