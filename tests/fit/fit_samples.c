#include "fit_samples.h"

#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

#include "nibble/random.h"

float *fit_samples(const char *spec, size_t n, uint64_t seed, double loc, double scale)
{
    nb_dist d;
    nb_err err = {{0}};
    cr_assert(nb_dist_parse(spec, &d, &err), "%s: %s", spec, err.msg);
    nb_rng *rng = nb_rng_new(seed);
    float *x = malloc(n * sizeof *x);
    cr_assert(rng && x, "out of memory");
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(loc + scale * nb_rng_sample(rng, &d));
    nb_rng_free(rng);
    return x;
}

double fit_mean_loglik(const float *x, size_t n, double nu, double loc, double scale)
{
    double sum = 0;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            continue;
        sum += log(gsl_ran_tdist_pdf((x[i] - loc) / scale, nu) / scale);
        used++;
    }
    return sum / (double)used;
}
