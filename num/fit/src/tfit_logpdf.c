/* The location-scale t log density. */
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_math.h> /* M_PI, which strict C11 math.h lacks */
#include <math.h>

#include "nibble/tfit.h"
#include "tfit_internal.h"

double tf_t_lognorm(double nu)
{
    /* lngamma, not log(gamma(..)): Gamma overflows for nu above ~340. */
    return gsl_sf_lngamma(0.5 * (nu + 1.0)) - gsl_sf_lngamma(0.5 * nu) - 0.5 * log(nu * M_PI);
}

double nb_t_logpdf(double x, double nu, double loc, double scale)
{
    if (!(nu > 0) || !(scale > 0) || !isfinite(nu) || !isfinite(scale))
        return NAN;
    double z = (x - loc) / scale;
    /* log1p keeps precision in the centre, where z*z/nu is tiny. */
    return tf_t_lognorm(nu) - log(scale) - 0.5 * (nu + 1.0) * log1p(z * z / nu);
}
