/* Pareto frontier of designs: lower cost and higher quality are better. */
#ifndef NIBBLE_PARETO_H
#define NIBBLE_PARETO_H

#include <stdbool.h>

/* on_front[i]: no other point has cost <= and quality >= with one of them
 * strict (equal points are all on the front). NaN points are never on it.
 * Returns the number of points on the front. */
int nb_pareto_front(const double *cost, const double *quality, int n, bool *on_front);

#endif
