/* Seeded test data for the t-fit suites. */
#ifndef NIBBLE_FIT_SAMPLES_H
#define NIBBLE_FIT_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

/* n floats loc + scale * X with X drawn from spec ("t:5", "normal", ...) by the
 * library's seeded sampler. The caller frees the result. */
float *fit_samples(const char *spec, size_t n, uint64_t seed, double loc, double scale);

/* Mean log-likelihood of x under the location-scale t, computed independently
 * of the library (GSL's t density). */
double fit_mean_loglik(const float *x, size_t n, double nu, double loc, double scale);

#endif
