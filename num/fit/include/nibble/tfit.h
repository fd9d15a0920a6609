/* Maximum-likelihood fit of a location-scale Student's t distribution to a
 * float tensor, for checking claims such as "LLM weights follow Student's t".
 * The density is t_nu((x - loc) / scale) / scale. */
#ifndef NIBBLE_TFIT_H
#define NIBBLE_TFIT_H

#include <stdbool.h>
#include <stddef.h>

#include "nibble/error.h"

/* Bounds of the degrees-of-freedom search. Near the upper bound the t is
 * indistinguishable from a Gaussian at any realistic sample size. */
#define NB_T_FIT_NU_MIN 0.1
#define NB_T_FIT_NU_MAX 1000.0
/* Default cap on the number of samples fitted (0 passed as max_samples). */
#define NB_T_FIT_DEFAULT_MAX_SAMPLES ((size_t)1 << 20)

typedef struct nb_t_fit {
    double nu, loc, scale;   /* MLE */
    double loglik;           /* mean log-likelihood per sample at the MLE */
    double normal_loglik;    /* mean log-likelihood of the Gaussian MLE, for comparison */
    int iterations;          /* ECME iterations run (cap 1000) */
    bool nu_at_bound;        /* nu hit the search bound (data ~ Gaussian or extremely heavy tailed) */
    size_t n_used;           /* finite samples used (NaN/inf skipped; after subsampling) */
} nb_t_fit;

/* Fit by maximum likelihood (ECME: EM for loc/scale, exact profile maximisation
 * for nu), nu searched in [NB_T_FIT_NU_MIN, NB_T_FIT_NU_MAX]. NaN and +-inf are
 * skipped. If more than max_samples finite values remain (0 = default 1<<20), an
 * evenly spaced fixed-stride subsample of max_samples of them is fitted, so the
 * result is deterministic. Fails (false, message in err) when n == 0, fewer than
 * 8 finite samples, all used samples are equal, or the likelihood is unbounded
 * (the scale collapses onto a large group of identical values). */
bool nb_t_fit_mle(const float *x, size_t n, size_t max_samples, nb_t_fit *out, nb_err *err);

/* log density of the location-scale t; NaN unless nu > 0 and scale > 0. */
double nb_t_logpdf(double x, double nu, double loc, double scale);

#endif
