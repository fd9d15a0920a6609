/* Pareto frontier by pairwise dominance (tables hold tens of designs). */
#include <math.h>

#include "nibble/pareto.h"

static bool dominates(double ci, double qi, double cj, double qj)
{
    return ci <= cj && qi >= qj && (ci < cj || qi > qj);
}

int nb_pareto_front(const double *cost, const double *quality, int n, bool *on_front)
{
    int count = 0;
    for (int j = 0; j < n; j++) {
        bool front = !isnan(cost[j]) && !isnan(quality[j]);
        for (int i = 0; front && i < n; i++)
            if (i != j && !isnan(cost[i]) && !isnan(quality[i]) &&
                dominates(cost[i], quality[i], cost[j], quality[j]))
                front = false;
        on_front[j] = front;
        count += front;
    }
    return count;
}
