/* Shared between the format definition files; not part of the public API. */
#ifndef NIBBLE_FORMAT_INTERNAL_H
#define NIBBLE_FORMAT_INTERNAL_H

#include <stddef.h>

#include "nibble/format.h"

/* Start a format: name, title, code width; all codes unused. */
void nb_format_begin(nb_format *f, const char *name, const char *title, nb_encoding enc,
                     int code_bits);

/* Derive the hardware grid, sorted values and midpoints from ideal[]/used[].
 * Exact dyadic values get the smallest exact grid; others (lookup tables)
 * are rounded to lut_frac_bits. Fails if rounding merges two values. */
bool nb_format_finish(nb_format *f, const nb_format_opts *opts, nb_err *err);

/* Builders, one per family (each in its own file). */
bool nb_build_int(nb_format *f, const char *variant, nb_err *err);
bool nb_build_minifloat(nb_format *f, const char *variant, nb_err *err);
bool nb_build_e2m1_bnb(nb_format *f, nb_err *err);
bool nb_build_quantile_lut(nb_format *f, const char *variant, double nu, nb_err *err);
bool nb_build_apot4(nb_format *f, bool super_precision, nb_err *err);
bool nb_build_user_lut(nb_format *f, const char *path, nb_err *err);
/* The codebook reader's two halves, separate so the text parser can be fuzzed:
 * 16 checked values from a codebook's text (`where` names it in messages),
 * then the format named lut:PATH from them. */
bool nb_user_lut_parse(const char *text, size_t len, const char *where, double v[16], nb_err *err);
void nb_build_user_lut_values(nb_format *f, const char *path, const double v[16]);

/* Minifloat magnitude of the exponent/mantissa fields (no sign). */
double nb_minifloat_magnitude(const nb_minifloat *mf, unsigned exp_field, unsigned man_field);

/* The quantile construction shared by NF4 and SF4 (bitsandbytes' create_normal_map):
 * inv_cdf is F^-1; writes 16 ascending values normalized to max 1. */
void nb_quantile_codebook(double (*inv_cdf)(double p, void *ctx), void *ctx, double out[16]);

#define NB_QUANTILE_OFFSET 0.9677083

#endif
