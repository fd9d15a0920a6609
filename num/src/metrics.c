/* MSE, SQNR and maximum error. */
#include <math.h>

#include "nibble/metrics.h"

double nb_sqnr_db(double signal_power, double noise_power)
{
    if (noise_power == 0)
        return INFINITY;
    if (signal_power == 0)
        return -INFINITY;
    return 10.0 * log10(signal_power / noise_power);
}

#define ERROR_STATS_BODY                                                                           \
    nb_error_stats s = {.n = n};                                                                   \
    double se = 0, sx = 0;                                                                         \
    for (size_t i = 0; i < n; i++) {                                                               \
        double d = (double)x[i] - (double)y[i];                                                    \
        se += d * d;                                                                               \
        sx += (double)x[i] * (double)x[i];                                                         \
        if (fabs(d) > s.max_abs_error)                                                             \
            s.max_abs_error = fabs(d);                                                             \
    }                                                                                              \
    s.mse = n ? se / (double)n : 0;                                                                \
    s.signal_power = n ? sx / (double)n : 0;                                                       \
    s.sqnr_db = nb_sqnr_db(sx, se);                                                                \
    return s;

nb_error_stats nb_error_stats_float(const float *x, const float *y, size_t n)
{
    ERROR_STATS_BODY
}

nb_error_stats nb_error_stats_double(const double *x, const double *y, size_t n)
{
    ERROR_STATS_BODY
}
