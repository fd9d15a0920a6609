/* Scale formats of block-scaled number formats (OCP MX, NVFP4, group scales).
 *
 *   e8m0   8 bits, value 2^(code - 127) for codes 0..254; 0xFF is NaN; no zero,
 *          no sign (OCP MX v1.0, section 5.4.1).
 *   ue4m3  8 bits, the positive values of OCP E4M3 (fn): bias 7, 3 mantissa
 *          bits, subnormals m * 2^-9, largest 448 (0x7E); 0x7F is NaN. Codes
 *          with bit 7 set are not UE4M3 codes and decode to NaN (NVFP4 block
 *          scales are positive).
 *   fp16   IEEE 754 binary16 (bias 15, 10 mantissa bits, inf/NaN, subnormals).
 *   bf16   bfloat16 (binary32's exponent, 7 mantissa bits, inf/NaN, subnormals).
 *
 * Decoding is exact (every value is a double). Encoding (nb_scale_encode_ratio)
 * rounds a / b to the nearest value of the format, ties to the even code
 * (IEEE round-to-nearest-even: the code LSB is the mantissa LSB), decided by
 * exact comparisons, never through a rounded quotient; it saturates at the
 * largest finite value (448, 65504, 3.3895e38, 2^127) rather than producing
 * an infinity or NaN. */
#ifndef NIBBLE_SCALE_FORMAT_H
#define NIBBLE_SCALE_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "nibble/error.h"

typedef enum nb_scale_fmt {
    NB_SF_E8M0,
    NB_SF_UE4M3,
    NB_SF_FP16,
    NB_SF_BF16,
} nb_scale_fmt;

#define NB_SF_COUNT 4
#define NB_E8M0_NAN 0xFFu
#define NB_E8M0_BIAS 127
#define NB_UE4M3_NAN 0x7Fu

/* "e8m0" (alias ue8m0), "ue4m3" (alias e4m3), "fp16" (f16, half), "bf16". A
 * name of the form [u]eXmY or fp:eXmY wider than 8 bits is refused with its
 * width; other names with the list of valid ones. */
bool nb_scale_fmt_parse(const char *name, nb_scale_fmt *out, nb_err *err);
const char *nb_scale_fmt_name(nb_scale_fmt f);
const char *nb_scale_fmt_valid_names(void);

/* Storage width in bits (8 or 16). */
int nb_scale_fmt_bits(nb_scale_fmt f);
/* Largest code whose value is finite and positive (254, 0x7E, 0x7BFF, 0x7F7F):
 * positive finite values grow with the code from 0 (the smallest) to it. */
unsigned nb_scale_fmt_max_code(nb_scale_fmt f);
/* Largest finite value. */
double nb_scale_fmt_max_value(nb_scale_fmt f);

/* Value of a code: exact; NaN codes give NaN, infinity codes +-inf. */
double nb_scale_decode(nb_scale_fmt f, unsigned code);

/* The same value as an integer significand and a power of two:
 * value = sign * mant * 2^exp2 with mant < 2^11. Returns false for NaN and
 * infinity codes (*is_nan tells which). Zero has mant 0. */
bool nb_scale_decode_exact(nb_scale_fmt f, unsigned code, int *sign, uint32_t *mant, int *exp2,
                           bool *is_nan);

/* Code nearest to a / b (a >= 0 finite, b > 0 finite), ties to the even code,
 * saturating at nb_scale_fmt_max_code. Exact: the choice between two
 * neighbours compares a with midpoint * b, both exact in double because the
 * midpoint has at most 12 significant bits and b at most 41 (callers pass an
 * element maximum, optionally times an FP32 tensor scale). For E8M0 the
 * "values" are the powers of two and the midpoints 1.5 * 2^k; the MX scale
 * rules (nibble/block_format.h) do not use this, they compute exponents. */
unsigned nb_scale_encode_ratio(nb_scale_fmt f, double a, double b);

#endif
