/* Collecting the samples to fit, the robust start and the Gaussian baseline. */
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_math.h> /* M_PI, which strict C11 math.h lacks */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/tfit.h"
#include "tfit_internal.h"

/* Below this the t fit (three parameters) is meaningless. */
#define TF_MIN_SAMPLES 8

bool tf_data_gather(const float *x, size_t n, size_t max_samples, tf_data *out, nb_err *err)
{
    out->y = NULL;
    out->n = 0;
    if (n == 0)
        return nb_fail(err, "t fit: the tensor is empty (n = 0); pass at least %d finite values",
                       TF_MIN_SAMPLES);
    if (!x)
        return nb_fail(err, "t fit: data pointer is NULL for n = %zu; pass the tensor values", n);
    if (max_samples == 0)
        max_samples = NB_T_FIT_DEFAULT_MAX_SAMPLES;
    if (max_samples < TF_MIN_SAMPLES)
        return nb_fail(err, "t fit: max_samples = %zu is too small; use 0 (default %zu) or at "
                       "least %d", max_samples, NB_T_FIT_DEFAULT_MAX_SAMPLES, TF_MIN_SAMPLES);
    size_t finite = 0;
    for (size_t i = 0; i < n; i++)
        finite += isfinite(x[i]) != 0;
    if (finite < TF_MIN_SAMPLES)
        return nb_fail(err, "t fit: only %zu of %zu values are finite (NaN/inf are skipped); "
                       "need at least %d", finite, n, TF_MIN_SAMPLES);
    size_t m = finite < max_samples ? finite : max_samples;
    double *y = malloc(m * sizeof *y);
    if (!y)
        return nb_fail(err, "t fit: out of memory for %zu samples; lower max_samples", m);
    /* Bresenham-style stride: takes exactly m evenly spaced finite values,
     * the same ones every run. */
    size_t acc = 0, k = 0;
    for (size_t i = 0; i < n && k < m; i++) {
        if (!isfinite(x[i]))
            continue;
        acc += m;
        if (acc >= finite) {
            acc -= finite;
            y[k++] = x[i];
        }
    }
    double lo = y[0], hi = y[0];
    for (size_t i = 1; i < m; i++) {
        lo = y[i] < lo ? y[i] : lo;
        hi = y[i] > hi ? y[i] : hi;
    }
    if (lo == hi) {
        free(y);
        return nb_fail(err, "t fit: all %zu samples used equal %g (zero variance); a scale "
                       "cannot be fitted to constant data", m, lo);
    }
    out->y = y;
    out->n = m;
    return true;
}

void tf_data_free(tf_data *d)
{
    free(d->y);
    d->y = NULL;
    d->n = 0;
}

bool tf_robust_start(const tf_data *d, double *loc, double *scale)
{
    double *tmp = malloc(d->n * sizeof *tmp);
    if (!tmp)
        return false;
    memcpy(tmp, d->y, d->n * sizeof *tmp);
    /* gsl_stats_median selects in place (linear time), hence the copy. */
    double med = gsl_stats_median(tmp, 1, d->n);
    double absdev = 0;
    for (size_t i = 0; i < d->n; i++) {
        tmp[i] = fabs(d->y[i] - med);
        absdev += tmp[i];
    }
    double mad = gsl_stats_median(tmp, 1, d->n);
    free(tmp);
    *loc = med;
    /* 1.4826 * MAD is the Gaussian sigma; the mean absolute deviation is the
     * fallback for tensors that are mostly one value (e.g. pruned zeros). */
    *scale = mad > 0 ? 1.4826 * mad : absdev / (double)d->n;
    return true;
}

double tf_normal_loglik(const tf_data *d)
{
    double mean = 0, ss = 0;
    for (size_t i = 0; i < d->n; i++)
        mean += d->y[i];
    mean /= (double)d->n;
    for (size_t i = 0; i < d->n; i++)
        ss += (d->y[i] - mean) * (d->y[i] - mean);
    double var = ss / (double)d->n;
    return -0.5 * log(2.0 * M_PI * var) - 0.5;
}
