/* Seeded samplers on GSL's MT19937. */
#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nibble/parse.h"
#include "nibble/random.h"

struct nb_rng {
    gsl_rng *r;
};

nb_rng *nb_rng_new(uint64_t seed)
{
    nb_rng *rng = malloc(sizeof *rng);
    if (!rng)
        return NULL;
    rng->r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng->r) {
        free(rng);
        return NULL;
    }
    /* MT19937 takes a 32-bit seed; fold the high half in so 64-bit seeds differ. */
    gsl_rng_set(rng->r, (unsigned long)((seed ^ (seed >> 32)) & 0xffffffffu));
    return rng;
}

void nb_rng_free(nb_rng *rng)
{
    if (!rng)
        return;
    gsl_rng_free(rng->r);
    free(rng);
}

double nb_rng_uniform(nb_rng *rng)
{
    return gsl_rng_uniform(rng->r);
}

uint32_t nb_rng_below(nb_rng *rng, uint32_t n)
{
    return (uint32_t)gsl_rng_uniform_int(rng->r, n);
}

double nb_rng_sample(nb_rng *rng, const nb_dist *d)
{
    double x;
    switch (d->kind) {
    case NB_DIST_LAPLACE:
        x = gsl_ran_laplace(rng->r, 1.0);
        break;
    case NB_DIST_STUDENT_T:
        x = gsl_ran_tdist(rng->r, d->nu);
        break;
    case NB_DIST_NORMAL:
    default:
        x = gsl_ran_gaussian_ziggurat(rng->r, 1.0);
        break;
    }
    if (d->relu)
        x = x > d->shift ? x - d->shift : 0.0;
    return x * d->scale;
}

double nb_dist_quantile(const nb_dist *d, double p)
{
    switch (d->kind) {
    case NB_DIST_LAPLACE:
        return gsl_cdf_laplace_Pinv(p, 1.0);
    case NB_DIST_STUDENT_T:
        nb_gsl_errors_off();
        return gsl_cdf_tdist_Pinv(p, d->nu);
    case NB_DIST_NORMAL:
    default:
        return gsl_cdf_ugaussian_Pinv(p);
    }
}

void nb_rng_fill(nb_rng *rng, const nb_dist *d, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (float)nb_rng_sample(rng, d);
}

bool nb_dist_parse(const char *spec, nb_dist *out, nb_err *err)
{
    nb_dist d = {.kind = NB_DIST_NORMAL, .nu = 0, .scale = 1.0, .relu = 0, .shift = 0};
    const char *s = spec;
    if (strncasecmp(s, "relu-", 5) == 0) {
        d.relu = 1;
        s += 5;
    }
    if (strcasecmp(s, "normal") == 0 || strcasecmp(s, "gauss") == 0) {
        d.kind = NB_DIST_NORMAL;
    } else if (strcasecmp(s, "laplace") == 0) {
        d.kind = NB_DIST_LAPLACE;
    } else if (strncasecmp(s, "t:", 2) == 0 || strncasecmp(s, "student:", 8) == 0) {
        const char *num = strchr(s, ':') + 1;
        if (nb_parse_decimal(num, &d.nu) != NB_NUM_OK || !(d.nu > 0))
            return nb_fail(err, "distribution '%s': degrees of freedom must be a number > 0, e.g. "
                           "t:5", spec);
        /* the tail falls only as |x|^-nu: below this, samples beyond float32's
         * range (3.4e38) stop being rare (about 1 in 100 at nu = 0.05) */
        if (d.nu < NB_DIST_NU_MIN)
            return nb_fail(err, "distribution '%s': nu below %g gives samples beyond the float "
                           "range; use nu >= %g", spec, NB_DIST_NU_MIN, NB_DIST_NU_MIN);
        d.kind = NB_DIST_STUDENT_T;
    } else {
        return nb_fail(err, "unknown distribution '%s': use normal, laplace or t:NU, optionally "
                       "prefixed by relu- (e.g. relu-t:5)", spec);
    }
    *out = d;
    return true;
}

void nb_dist_format(const nb_dist *d, char *buf, size_t len)
{
    const char *relu = d->relu ? "relu-" : "";
    if (d->kind == NB_DIST_STUDENT_T)
        snprintf(buf, len, "%st:%g", relu, d->nu);
    else
        snprintf(buf, len, "%s%s", relu, d->kind == NB_DIST_LAPLACE ? "laplace" : "normal");
}
