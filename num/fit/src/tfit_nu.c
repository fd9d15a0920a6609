/* Maximising the log-likelihood over the degrees of freedom at fixed
 * loc/scale (the "CM-step on the actual likelihood" of ECME). Works in
 * s = log(nu): the likelihood is far closer to quadratic there. */
#include <gsl/gsl_sf_psi.h>
#include <math.h>

#include "nibble/tfit.h"
#include "tfit_internal.h"

/* Stop refining nu once the predicted gain of another Newton step is below
 * this (relative to the log-likelihood): far below the outer 1e-10 tolerance. */
#define TF_NU_GAIN_TOL 1e-14

/* Grid start: about 64k samples locate the right basin at a fraction of the cost. */
#define TF_GRID_SAMPLES 65536
#define TF_GRID_POINTS 17

tf_nu_eval tf_nu_evaluate(const tf_data *d, size_t stride, double s, double loc, double scale)
{
    double nu = exp(s), inv = 1.0 / scale, lognu = log(nu);
    double s1 = 0, s2 = 0, s3 = 0;
    size_t cnt = 0;
    for (size_t i = 0; i < d->n; i += stride) {
        double z = (d->y[i] - loc) * inv, u = z * z;
        double r = 1.0 / (nu + u);
        /* log(1 + u/nu) via log, which is ~2.5x faster than log1p; the
         * per-term subtraction keeps the summands small, so the sum stays accurate. */
        s1 += log(nu + u) - lognu;
        s2 += u * r;
        /* written as two bounded factors so that huge outliers cannot overflow */
        s3 += (u * r) * ((nu * nu + 2.0 * nu + u) * r);
        cnt++;
    }
    s1 /= (double)cnt;
    s2 /= (double)cnt;
    s3 /= (double)cnt;
    double a = 0.5 * (nu + 1.0), b = 0.5 * nu;
    /* mean log-likelihood and its derivatives in nu */
    double f = tf_t_lognorm(nu) - log(scale) - a * s1;
    double fp = 0.5 * (gsl_sf_psi(a) - gsl_sf_psi(b) - 1.0 / nu) - 0.5 * s1
                + 0.5 * (nu + 1.0) / nu * s2;
    double fpp = 0.25 * (gsl_sf_psi_1(a) - gsl_sf_psi_1(b)) + 0.5 / (nu * nu)
                 + 0.5 * s2 / nu - 0.5 * s3 / (nu * nu);
    /* chain rule to s = log(nu) */
    return (tf_nu_eval){.s = s, .f = f, .df = nu * fp, .d2f = nu * fp + nu * nu * fpp};
}

double tf_nu_grid(const tf_data *d, double loc, double scale)
{
    double lo = log(NB_T_FIT_NU_MIN), hi = log(NB_T_FIT_NU_MAX);
    size_t stride = d->n / TF_GRID_SAMPLES + 1;
    double best_s = lo, best_f = -INFINITY;
    for (int k = 0; k < TF_GRID_POINTS; k++) {
        double s = lo + (hi - lo) * k / (TF_GRID_POINTS - 1);
        tf_nu_eval e = tf_nu_evaluate(d, stride, s, loc, scale);
        if (e.f > best_f) {
            best_f = e.f;
            best_s = s;
        }
    }
    return best_s;
}

/* Likelihood gain a Newton step would bring, if the function is concave there. */
static bool negligible_gain(const tf_nu_eval *e)
{
    return e->d2f < 0 && e->df * e->df / (-2.0 * e->d2f) <= TF_NU_GAIN_TOL * fmax(1.0, fabs(e->f));
}

tf_nu_eval tf_nu_maximise(const tf_data *d, double s0, double loc, double scale)
{
    double lo = log(NB_T_FIT_NU_MIN), hi = log(NB_T_FIT_NU_MAX);
    s0 = s0 < lo ? lo : s0 > hi ? hi : s0;
    tf_nu_eval cur = tf_nu_evaluate(d, 1, s0, loc, scale);
    for (int it = 0; it < 60 && !negligible_gain(&cur); it++) {
        /* Newton where the function is concave, else a unit step uphill;
         * never more than a factor e in nu per step. */
        double step = cur.d2f < 0 ? -cur.df / cur.d2f : (cur.df > 0 ? 1.0 : -1.0);
        step = step > 1.0 ? 1.0 : step < -1.0 ? -1.0 : step;
        double t = cur.s + step;
        step = (t < lo ? lo : t > hi ? hi : t) - cur.s;
        if (fabs(step) < 1e-10)
            break;  /* pinned at a bound */
        /* Backtrack until the likelihood does not decrease: monotone ascent. */
        tf_nu_eval next = cur;
        bool improved = false;
        for (int h = 0; h < 30 && fabs(step) >= 1e-10; h++, step *= 0.5) {
            next = tf_nu_evaluate(d, 1, cur.s + step, loc, scale);
            if (next.f >= cur.f) {
                improved = true;
                break;
            }
        }
        if (!improved)
            break;  /* no ascent left at double precision */
        cur = next;
    }
    return cur;
}
