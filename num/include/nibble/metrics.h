/* Error metrics between a reference x and an approximation y. */
#ifndef NIBBLE_METRICS_H
#define NIBBLE_METRICS_H

#include <stddef.h>

typedef struct nb_error_stats {
    size_t n;
    double mse;          /* mean (x - y)^2 */
    double signal_power; /* mean x^2 */
    double sqnr_db;      /* 10 log10(signal / noise); +inf when exact */
    double max_abs_error;
} nb_error_stats;

nb_error_stats nb_error_stats_float(const float *x, const float *y, size_t n);
nb_error_stats nb_error_stats_double(const double *x, const double *y, size_t n);
double nb_sqnr_db(double signal_power, double noise_power);

#endif
