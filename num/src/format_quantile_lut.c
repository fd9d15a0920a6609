/* NF4 and SF4: 16-value codebooks from quantiles of a distribution, built with
 * the QLoRA construction (bitsandbytes create_normal_map) for any F^-1:
 * 8 positive quantiles at p evenly spaced from OFFSET down to 0.5 (9 points,
 * the last dropped), 7 negative ones likewise (8 points), plus 0, normalized
 * to max |v| = 1. Codes index the ascending list (code 0111 = 0). */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format_internal.h"

static void linspace_head(double hi, double lo, int points, double *out)
{
    /* points evenly spaced from hi to lo inclusive; the caller uses all but the last */
    for (int i = 0; i < points; i++)
        out[i] = hi + (lo - hi) * i / (points - 1);
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void nb_quantile_codebook(double (*inv_cdf)(double p, void *ctx), void *ctx, double out[16])
{
    double p_pos[9], p_neg[8];
    linspace_head(NB_QUANTILE_OFFSET, 0.5, 9, p_pos);
    linspace_head(NB_QUANTILE_OFFSET, 0.5, 8, p_neg);
    int n = 0;
    for (int i = 0; i < 8; i++)
        out[n++] = inv_cdf(p_pos[i], ctx);
    for (int i = 0; i < 7; i++)
        out[n++] = -inv_cdf(p_neg[i], ctx);
    out[n++] = 0.0;
    qsort(out, 16, sizeof out[0], compare_double);
    double max = out[15];
    for (int i = 0; i < 16; i++)
        out[i] /= max;
}

static double normal_inv(double p, void *ctx)
{
    (void)ctx;
    return gsl_cdf_ugaussian_Pinv(p);
}

static double student_inv(double p, void *ctx)
{
    return gsl_cdf_tdist_Pinv(p, *(const double *)ctx);
}

bool nb_build_quantile_lut(nb_format *f, const char *variant, double nu, nb_err *err)
{
    double cb[16];
    if (strcmp(variant, "nf4") == 0) {
        nb_format_begin(f, "nf4", "NF4 (NormalFloat, QLoRA)", NB_ENC_INDEX_LUT, 4);
        nb_quantile_codebook(normal_inv, NULL, cb);
    } else if (strcmp(variant, "sf4") == 0) {
        if (!(nu > 0) || !isfinite(nu))
            return nb_fail(err, "sf4: degrees of freedom nu must be a finite number > 0 (got %g); "
                           "write e.g. sf4:5", nu);
        char name[64], title[96];
        if (nu == NB_SF4_NU_DEFAULT)
            snprintf(name, sizeof name, "sf4");
        else
            snprintf(name, sizeof name, "sf4:%g", nu);
        snprintf(title, sizeof title, "SF4 (Student Float, nu=%g)", nu);
        nb_format_begin(f, name, title, NB_ENC_INDEX_LUT, 4);
        f->nu = nu;
        nb_gsl_errors_off();
        nb_quantile_codebook(student_inv, &nu, cb);
        for (int i = 0; i < 16; i++)
            if (!isfinite(cb[i]))
                return nb_fail(err, "sf4:%g: the t quantiles overflow or do not converge for this "
                               "nu; use a larger nu (e.g. 0.5 or more)",
                               nu);
    } else {
        return nb_fail(err, "internal: unknown quantile codebook %s", variant);
    }
    for (int c = 0; c < 16; c++) {
        f->ideal[c] = cb[c];
        f->used[c] = true;
    }
    f->is_lookup = true;
    return true;
}
