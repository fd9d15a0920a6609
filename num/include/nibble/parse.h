/* Strict whole-token number parsing, shared by every reader of numbers that a
 * user types or writes into a file (options, format parameters, GEMM shapes,
 * codebooks, --input text). The whole string must be the number: no leading
 * or trailing spaces, no trailing junk, no hex (0x10), no inf/nan; any length
 * (a 200-digit number is one value). */
#ifndef NIBBLE_PARSE_H
#define NIBBLE_PARSE_H

#include <stddef.h>
#include <stdint.h>

typedef enum nb_num_status {
    NB_NUM_OK = 0,
    NB_NUM_SYNTAX, /* not a decimal number (empty, spaces, hex, inf/nan, junk) */
    NB_NUM_RANGE   /* a number, but beyond the type's range (or the given limits) */
} nb_num_status;

/* A finite decimal: [+-] digits [. digits] [e|E [+-] digits] (or .digits).
 * Correctly rounded to double. Values too small for a normal double round to a
 * denormal or to zero and are accepted; beyond +-1.8e308 is NB_NUM_RANGE. */
nb_num_status nb_parse_decimal(const char *text, double *out);

/* A decimal integer [+-] digits within [min, max]. */
nb_num_status nb_parse_int(const char *text, long long min, long long max, long long *out);

/* A non-negative decimal integer [+] digits within [0, max] (a '-' is a syntax
 * error, so " -5" or "-1" never wraps around to a huge value). */
nb_num_status nb_parse_uint(const char *text, uint64_t max, uint64_t *out);

/* "a decimal number", "an integer", ... for messages: what `text` should have been. */
const char *nb_num_status_text(nb_num_status s);

#endif
