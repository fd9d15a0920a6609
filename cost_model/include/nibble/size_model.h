/* The analytic cost model of an array: a metric (area, power) as
 *   fixed + per_row * R + per_col * C + per_pe * R * C
 *         + per_skew * R(R-1)/2 + per_deskew * C(C-1)/2
 * The PEs grow with R*C, the edge registers with R and C, and the skew and
 * deskew delay lines (row i waits i cycles, column j waits C-1-j) with the
 * triangular numbers. Fitted by least squares on synthesized sizes, checked on
 * held-out sizes. */
#ifndef NIBBLE_SIZE_MODEL_H
#define NIBBLE_SIZE_MODEL_H

#include <stdbool.h>

#include "nibble/error.h"

typedef struct nb_size_point {
    int rows, cols;
    double value;
} nb_size_point;

typedef struct nb_size_model {
    double fixed, per_row, per_col, per_pe, per_skew, per_deskew;
    int n_fit;
    double fit_max_rel_err;    /* on the fitted points */
} nb_size_model;

#define NB_SIZE_MODEL_TERMS 6
/* Needs at least 6 sizes that separate the terms (mix R != C and R, C >= 3). */
bool nb_size_model_fit(const nb_size_point *pts, int n, nb_size_model *m, nb_err *err);
double nb_size_model_predict(const nb_size_model *m, int rows, int cols);

#endif
