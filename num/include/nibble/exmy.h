/* Element formats from a spec: any ExMy minifloat or N-bit integer of 2..8 bits.
 *
 *   fp:eXmY[:bias=B][:sub=ieee|none][:special=none|ieee|fn|fnuz][:super=range|precision|V]
 *   int:N[:range=sym|full]      uint:N
 *
 * (num/README.md, "Element formats from a spec", gives the rules with numbers.)
 * nb_format_parse accepts every spec and builds its code table and hardware
 * grid; the functions here are the golden definition the table is built from,
 * one operation per file (exmy_parse.c, exmy_decode.c, exmy_encode.c,
 * exmy_format.c). */
#ifndef NIBBLE_EXMY_H
#define NIBBLE_EXMY_H

#include <stdbool.h>
#include <stddef.h>

#include "nibble/error.h"
#include "nibble/format.h"

#define NB_EXMY_BITS_MIN 2
#define NB_EXMY_BITS_MAX 8

typedef enum nb_exmy_kind { NB_EXMY_FP, NB_EXMY_INT, NB_EXMY_UINT } nb_exmy_kind;

/* A parsed spec. For fp: 1 + exp_bits + man_bits = bits. */
typedef struct nb_exmy {
    nb_exmy_kind kind;
    int bits;                  /* total code width, 2..8 */
    int exp_bits, man_bits;    /* fp only; exp_bits >= 1 */
    int bias;                  /* fp only; 0 .. 2^exp_bits - 1 */
    nb_subnormal sub;          /* NB_SUB_IEEE or NB_SUB_NONE */
    nb_special specials;       /* which codes are inf / NaN */
    nb_super super;            /* the negative-zero code's extra value, if any */
    double super_value;        /* the value it carries (resolved for range/precision) */
    bool int_full;             /* int: the most negative code is a value the quantizer emits */
} nb_exmy;

/* Parse a spec ("fp:e4m3:special=fn", "int:3", "uint:6"). False with a message
 * naming the offending part for anything malformed or out of range. */
bool nb_exmy_parse(const char *spec, nb_exmy *out, nb_err *err);

/* Canonical spec: kind and width, then only the options that differ from
 * their defaults, in the order bias, sub, special, super (range). */
void nb_exmy_canonical(const nb_exmy *s, char *buf, size_t len);

/* Code -> value: +-inf and NaN for the codes the special policy reserves,
 * -0.0 for a negative zero, the supernormal for the -0 code when set. */
double nb_exmy_decode(const nb_exmy *s, unsigned code);

/* Largest finite value (the supernormal counts when it is the largest). */
double nb_exmy_max(const nb_exmy *s);

/* Value -> code: round to nearest, ties to the code whose LSB is 0 (the even
 * mantissa; with a supernormal next to an even code, the smaller magnitude).
 * Saturating: a finite x beyond the largest finite value (either sign) gives
 * that value; +-inf gives +-inf where the format has infinities, else
 * saturates too. Zero (either sign) and anything rounding to zero gives code
 * 0. NaN gives the format's NaN code (positive sign) and fails (false, with a
 * message) when the format has none. Integers: nearest, ties to even,
 * saturating to [-2^(N-1) (+1 unless range=full), 2^(N-1) - 1] or [0, 2^N - 1]. */
bool nb_exmy_encode(const nb_exmy *s, double x, unsigned *code, nb_err *err);

/* True when nb_format_parse should read `spec` as an element spec. */
bool nb_exmy_is_spec(const char *spec);

/* The format (code table + hardware grid) for a spec; refuses a spec whose
 * integer grid would be wider than NB_GRID_MANT_BITS_MAX. */
bool nb_build_exmy(nb_format *f, const char *spec, nb_err *err);

#endif
