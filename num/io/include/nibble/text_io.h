/* Numbers as text: whitespace-separated decimal values (quantize --input). */
#ifndef NIBBLE_TEXT_IO_H
#define NIBBLE_TEXT_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "nibble/error.h"

/* Parse `len` bytes of text (need not be NUL-terminated) into a malloc'd float
 * array. Every whitespace-separated token must be a whole decimal number
 * (nb_parse_decimal: no hex, inf or nan; any length; denormals accepted) that
 * fits float32 after rounding; at least one value. `where` names the text in
 * messages. On failure *out is NULL. */
bool nb_text_floats_parse(const char *text, size_t len, const char *where, float **out, size_t *n,
                          nb_err *err);

/* The same from a regular file (FIFOs, devices and directories are refused). */
bool nb_text_floats_read(const char *path, float **out, size_t *n, nb_err *err);

#endif
