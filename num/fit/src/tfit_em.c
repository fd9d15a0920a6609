/* The EM update of loc and scale at fixed nu. */
#include <math.h>

#include "tfit_internal.h"

void tf_em_step(const tf_data *d, double nu, double *loc, double *scale)
{
    /* E-step: w_i = (nu+1) / (nu + z_i^2) is the expected precision weight of
     * sample i under the normal/gamma mixture form of the t. Sums are taken
     * around the old loc so that B - A^2/W does not cancel catastrophically. */
    double m = *loc, inv_s2 = 1.0 / (*scale * *scale);
    double W = 0, A = 0, B = 0;
    for (size_t i = 0; i < d->n; i++) {
        double c = d->y[i] - m;
        double w = (nu + 1.0) / (nu + c * c * inv_s2);
        W += w;
        A += w * c;
        B += w * c * c;
    }
    /* M-step. Dividing by sum(w) rather than n is the parameter-expanded EM
     * (Kent, Tyler & Vardi 1994): same fixed point (sum(w) = n there), much
     * faster convergence. */
    *loc = m + A / W;
    double var = (B - A * A / W) / W;
    *scale = sqrt(var > 0 ? var : 0);
}
