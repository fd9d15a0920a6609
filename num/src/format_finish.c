/* Derives everything a format needs from its code -> value table: the
 * hardware grid (integer mantissas), the sorted value list and midpoints. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format_internal.h"
#include "nibble/arith.h"

#define EXACT_FRAC_BITS_MAX 16
#define LUT_FRAC_BITS_MIN 1
#define LUT_FRAC_BITS_MAX 16

nb_format_opts nb_format_opts_default(void)
{
    nb_format_opts o = {.lut_frac_bits = NB_LUT_FRAC_BITS_DEFAULT};
    return o;
}

void nb_format_begin(nb_format *f, const char *name, const char *title, nb_encoding enc,
                     int code_bits)
{
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", name);
    snprintf(f->title, sizeof f->title, "%s", title);
    f->encoding = enc;
    f->code_bits = code_bits;
    f->num_codes = 1 << code_bits;
}

/* Smallest f <= max_frac such that every value is an integer multiple of
 * 2^-f below 2^limit_bits in magnitude, or -1. */
static int exact_frac_bits(const nb_format *f, int max_frac, int limit_bits)
{
    for (int bits = 0; bits <= max_frac; bits++) {
        bool ok = true;
        for (int c = 0; c < f->num_codes && ok; c++) {
            double m = ldexp(f->ideal[c], bits);
            ok = m == floor(m) && fabs(m) < ldexp(1.0, limit_bits);
        }
        if (ok)
            return bits;
    }
    return -1;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

bool nb_format_finish(nb_format *f, const nb_format_opts *opts, nb_err *err)
{
    for (int c = 0; c < f->num_codes; c++)
        if (!isfinite(f->ideal[c]))
            return nb_fail(err, "format %s: code %d has a non-finite value", f->name, c);

    /* Integers and minifloats are dyadic by construction: their grid is exact
     * however fine (8-bit floats reach 2^-17), as long as it fits the library's
     * 53-bit exact mantissas. Tables keep the historical search (16 bits, below
     * 1e9 ~ 2^30) and otherwise become rounded ROMs. */
    bool dyadic = f->encoding == NB_ENC_TWOS || f->encoding == NB_ENC_UNSIGNED ||
                  f->encoding == NB_ENC_MINIFLOAT;
    int exact = dyadic ? exact_frac_bits(f, 2 * NB_GRID_MANT_BITS_MAX, NB_GRID_MANT_BITS_MAX - 1)
                       : exact_frac_bits(f, EXACT_FRAC_BITS_MAX, 30);
    if (exact < 0 && dyadic)
        return nb_fail(err, "format %s spans too many binades for the hardware grid: its integer "
                       "mantissas would need more than %d bits; use fewer exponent bits (at most "
                       "5 for fp: specs)", f->name, NB_GRID_MANT_BITS_MAX);
    if (exact >= 0) {
        f->frac_bits = exact;
        f->grid_exact = true;
    } else {
        int bits = opts ? opts->lut_frac_bits : NB_LUT_FRAC_BITS_DEFAULT;
        if (bits < LUT_FRAC_BITS_MIN || bits > LUT_FRAC_BITS_MAX)
            return nb_fail(err, "lookup fraction bits %d out of range: use %d..%d", bits,
                           LUT_FRAC_BITS_MIN, LUT_FRAC_BITS_MAX);
        f->frac_bits = bits;
        f->grid_exact = false;
    }

    f->lut_max_error = 0;
    for (int c = 0; c < f->num_codes; c++) {
        /* Lookup ROM entries round half away from zero (C's round()). */
        double m = round(ldexp(f->ideal[c], f->frac_bits));
        f->mant[c] = (int64_t)m;
        f->hw[c] = ldexp(m, -f->frac_bits);
        if (f->used[c]) {
            double e = fabs(f->hw[c] - f->ideal[c]);
            if (e > f->lut_max_error)
                f->lut_max_error = e;
        }
    }
    f->mant_bits = 1;
    for (int c = 0; c < f->num_codes; c++) {
        int w = nb_signed_width(f->mant[c]);
        if (w > f->mant_bits)
            f->mant_bits = w;
    }

    double sorted[NB_MAX_CODES];
    int n = 0;
    for (int c = 0; c < f->num_codes; c++)
        if (f->used[c])
            sorted[n++] = f->hw[c];
    if (n < 2)
        return nb_fail(err, "format %s has fewer than two values", f->name);
    qsort(sorted, (size_t)n, sizeof sorted[0], compare_double);
    for (int i = 1; i < n; i++)
        if (sorted[i] == sorted[i - 1])
            return nb_fail(err,
                           "format %s: two codes share the hardware value %.9g%s", f->name,
                           sorted[i],
                           f->grid_exact ? ""
                           : f->frac_bits < LUT_FRAC_BITS_MAX
                               ? " after ROM rounding; raise --lut-frac-bits"
                               : " even at the widest ROM entries (--lut-frac-bits 16): its "
                                 "smallest steps are too fine for a fixed-point ROM");
    f->num_values = n;
    f->max_abs = 0;
    for (int i = 0; i < n; i++) {
        f->values[i] = sorted[i];
        for (int c = 0; c < f->num_codes; c++)
            if (f->used[c] && f->hw[c] == sorted[i]) {
                f->value_code[i] = (uint8_t)c;
                break;
            }
        if (fabs(sorted[i]) > f->max_abs)
            f->max_abs = fabs(sorted[i]);
    }
    f->max_positive = sorted[n - 1];
    for (int i = 0; i + 1 < n; i++)
        f->midpoints[i] = (sorted[i] + sorted[i + 1]) / 2;
    bool has_zero = false;
    for (int i = 0; i < n; i++)
        if (f->values[i] == 0) {
            f->zero_code = f->value_code[i];
            has_zero = true;
        }
    if (!has_zero)
        return nb_fail(err, "format %s has no zero value", f->name);
    if (f->max_abs == 0)
        return nb_fail(err, "format %s has no nonzero value", f->name);
    return true;
}
