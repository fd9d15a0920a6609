/* Seeded workload generators. The PRNG is GSL's MT19937 (Matsumoto and
 * Nishimura's Mersenne Twister), so a seed gives the same tensor everywhere. */
#ifndef NIBBLE_RANDOM_H
#define NIBBLE_RANDOM_H

#include <stddef.h>
#include <stdint.h>

#include "nibble/error.h"

typedef enum nb_dist_kind {
    NB_DIST_NORMAL,
    NB_DIST_LAPLACE,
    NB_DIST_STUDENT_T,
} nb_dist_kind;

/* A distribution spec: "normal", "laplace", "t:NU", optionally prefixed by
 * "relu-" (max(0, x - shift) as after a ReLU), e.g. "relu-t:5". */
typedef struct nb_dist {
    nb_dist_kind kind;
    double nu;       /* Student-t degrees of freedom */
    double scale;    /* multiplies every sample (1 by default) */
    int relu;        /* apply max(0, x - shift) */
    double shift;    /* ReLU threshold shift; 0 gives about 50% zeros */
} nb_dist;

bool nb_dist_parse(const char *spec, nb_dist *out, nb_err *err);
#define NB_DIST_NU_MIN 0.25 /* smallest nu of t:NU that nb_dist_parse accepts */
/* Canonical spec text for a distribution ("t:5", "relu-normal"). */
void nb_dist_format(const nb_dist *d, char *buf, size_t len);

typedef struct nb_rng nb_rng;  /* opaque */

/* Quantile of the underlying distribution (before scale and ReLU). */
double nb_dist_quantile(const nb_dist *d, double p);

nb_rng *nb_rng_new(uint64_t seed);
void nb_rng_free(nb_rng *rng);
double nb_rng_uniform(nb_rng *rng);            /* [0, 1) */
uint32_t nb_rng_below(nb_rng *rng, uint32_t n); /* 0 .. n-1 */
double nb_rng_sample(nb_rng *rng, const nb_dist *d);
void nb_rng_fill(nb_rng *rng, const nb_dist *d, float *out, size_t n);

#endif
