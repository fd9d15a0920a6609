/* Pieces of the t fit shared between its source files (not installed). */
#ifndef NIBBLE_TFIT_INTERNAL_H
#define NIBBLE_TFIT_INTERNAL_H

#include <stddef.h>

#include "nibble/error.h"

/* The samples being fitted, as doubles. */
typedef struct tf_data {
    double *y;
    size_t n;
} tf_data;

/* Finite values of x, evenly subsampled to at most max_samples. Fails on too
 * few samples or constant data. Free with tf_data_free. */
bool tf_data_gather(const float *x, size_t n, size_t max_samples, tf_data *out, nb_err *err);
void tf_data_free(tf_data *d);

/* Robust starting point: median and 1.4826 * MAD (mean absolute deviation if
 * more than half the samples are equal). False only when out of memory. */
bool tf_robust_start(const tf_data *d, double *loc, double *scale);

/* Mean log-likelihood of the Gaussian MLE. */
double tf_normal_loglik(const tf_data *d);

/* log Gamma((nu+1)/2) - log Gamma(nu/2) - log(nu pi)/2: the log normaliser of t_nu. */
double tf_t_lognorm(double nu);

/* One PX-EM step for loc and scale at fixed nu. */
void tf_em_step(const tf_data *d, double nu, double *loc, double *scale);

/* Mean log-likelihood as a function of s = log(nu) at fixed loc/scale, with its
 * first two derivatives in s. Uses every stride-th sample. */
typedef struct tf_nu_eval {
    double s, f, df, d2f;
} tf_nu_eval;
tf_nu_eval tf_nu_evaluate(const tf_data *d, size_t stride, double s, double loc, double scale);

/* Best s = log(nu) on a coarse grid over the whole search range, on a
 * subsample: a start for tf_nu_maximise that avoids far-off local maxima. */
double tf_nu_grid(const tf_data *d, double loc, double scale);
/* Maximise over s = log(nu) starting at s0, by safeguarded Newton; returns the
 * evaluation at the maximiser (its f is the mean log-likelihood). */
tf_nu_eval tf_nu_maximise(const tf_data *d, double s0, double loc, double scale);

#endif
