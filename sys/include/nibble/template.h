/* Filling tool-script templates. */
#ifndef NIBBLE_TEMPLATE_H
#define NIBBLE_TEMPLATE_H

#include <stdbool.h>

#include "nibble/error.h"

/* Fill a template: every @KEY@ becomes the matching value; writes out_path.
 * An @KEY@ without a value is an error (catches template/code drift). */
bool nb_fill_template(const char *template_path, const char *const *keys, const char *const *values,
                      int n, const char *out_path, nb_err *err);

#endif
