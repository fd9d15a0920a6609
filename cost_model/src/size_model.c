/* Least-squares fit of the array cost model (GSL's multifit). */
#include <gsl/gsl_multifit.h>
#include <math.h>

#include "nibble/error.h"
#include "nibble/size_model.h"

double nb_size_model_predict(const nb_size_model *m, int rows, int cols)
{
    return m->fixed + m->per_row * rows + m->per_col * cols + m->per_pe * rows * cols +
           m->per_skew * rows * (rows - 1) / 2.0 + m->per_deskew * cols * (cols - 1) / 2.0;
}

static bool check_coefficients(const nb_size_model *m)
{
    const double v[] = {m->fixed, m->per_row, m->per_col, m->per_pe, m->per_skew, m->per_deskew,
                        m->fit_max_rel_err};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
        if (!isfinite(v[k]))
            return false;
    return true;
}

bool nb_size_model_fit(const nb_size_point *pts, int n, nb_size_model *m, nb_err *err)
{
    const size_t T = NB_SIZE_MODEL_TERMS;
    if (n < (int)T)
        return nb_fail(err, "the cost model needs at least %zu array sizes to fit %zu coefficients; "
                       "got %d (sweep more sizes, e.g. the 'arrays' preset)", T, T, n);
    for (int i = 0; i < n; i++)
        if (!isfinite(pts[i].value))
            return nb_fail(err, "the cost model cannot be fitted: the value of size %dx%d is %g, "
                           "not a finite number", pts[i].rows, pts[i].cols, pts[i].value);
    nb_gsl_errors_off(); /* an allocation failure is reported below, not an abort */
    gsl_matrix *X = gsl_matrix_alloc((size_t)n, T);
    gsl_vector *y = gsl_vector_alloc((size_t)n), *c = gsl_vector_alloc(T);
    gsl_matrix *cov = gsl_matrix_alloc(T, T);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc((size_t)n, T);
    bool ok = X && y && c && cov && w, alloc_ok = ok, finite = true;
    for (int i = 0; ok && i < n; i++) {
        double R = pts[i].rows, C = pts[i].cols;
        double row[] = {1, R, C, R * C, R * (R - 1) / 2, C * (C - 1) / 2};
        for (size_t k = 0; k < T; k++)
            gsl_matrix_set(X, (size_t)i, k, row[k]);
        gsl_vector_set(y, (size_t)i, pts[i].value);
    }
    size_t rank = 0;
    double chisq;
    /* the SVD form reports the rank: sizes that cannot separate rows from
     * columns (all square, say) are refused rather than fitted arbitrarily */
    ok = ok && gsl_multifit_linear_tsvd(X, y, 1e-9, c, cov, &chisq, &rank, w) == 0 && rank == T;
    if (ok) {
        m->fixed = gsl_vector_get(c, 0);
        m->per_row = gsl_vector_get(c, 1);
        m->per_col = gsl_vector_get(c, 2);
        m->per_pe = gsl_vector_get(c, 3);
        m->per_skew = gsl_vector_get(c, 4);
        m->per_deskew = gsl_vector_get(c, 5);
        m->n_fit = n;
        m->fit_max_rel_err = 0;
        for (int i = 0; i < n; i++) {
            double e = fabs(nb_size_model_predict(m, pts[i].rows, pts[i].cols) / pts[i].value - 1);
            m->fit_max_rel_err = e > m->fit_max_rel_err ? e : m->fit_max_rel_err;
        }
        /* values near the double range square to infinity inside the solver:
         * NaN coefficients would otherwise predict a "0.00%" error */
        finite = check_coefficients(m);
    }
    gsl_multifit_linear_free(w);
    gsl_matrix_free(cov);
    gsl_vector_free(c);
    gsl_vector_free(y);
    gsl_matrix_free(X);
    if (!alloc_ok)
        return nb_fail(err, "out of memory for the least-squares fit of %d sizes", n);
    if (!finite)
        return nb_fail(err, "the cost model fit is not finite: the values are too large for least "
                       "squares in double precision; check the measured values");
    return ok || nb_fail(err, "the cost model cannot be fitted: the %d sizes do not separate rows, "
                         "columns, PEs and delay lines (include non-square sizes such as 2x4, 4x2, 3x5)", n);
}
