/* The format registry: every number format nibble knows, defined bit-exactly.
 *
 * A format maps each code (4 or 8 bits) to a value, and also to its *hardware
 * grid*: an integer mantissa m with value_hw = m * 2^-frac_bits, which is what
 * the generated RTL multiplies. For exact formats (integers, minifloats) the
 * grid is the value itself; lookup formats (NF4, SF4, APoT4, user codebooks)
 * store each value rounded to lut_frac_bits fractional bits, and the library
 * models exactly that rounded table (see lut_max_error). */
#ifndef NIBBLE_FORMAT_H
#define NIBBLE_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "nibble/error.h"

#define NB_MAX_CODES 256
#define NB_NAME_MAX 256
#define NB_LUT_FRAC_BITS_DEFAULT 8
#define NB_SF4_NU_DEFAULT 5.0

/* How the hardware turns a code into its mantissa (drives the RTL generator). */
typedef enum nb_encoding {
    NB_ENC_TWOS,        /* two's complement integer (int4, int8) */
    NB_ENC_UNSIGNED,    /* unsigned integer (uint4) */
    NB_ENC_MINIFLOAT,   /* sign, exponent, mantissa fields (E2M1 family, E1M2, E3M0) */
    NB_ENC_SIGNMAG_LUT, /* sign bit + magnitude table indexed by the low bits */
    NB_ENC_INDEX_LUT,   /* code = index into the ascending value list */
} nb_encoding;

/* What a minifloat does with exponent field 0. */
typedef enum nb_subnormal {
    NB_SUB_IEEE,    /* gradual underflow: m * 2^(1 - bias - M) */
    NB_SUB_NONE,    /* e = 0 is normal (implicit 1), except code magnitude 0 = zero */
    NB_SUB_CONST,   /* e = 0, m != 0 takes a fixed magnitude (E2M1-I: 0.0625) */
} nb_subnormal;

/* Which codes a minifloat reserves for infinities and NaN. The integer
 * datapath has neither: those codes decode to 0 in hardware and the quantizer
 * never emits them (nb_format.nonfinite). */
typedef enum nb_special {
    NB_SPECIAL_NONE,  /* every code is a finite value (OCP FP4/FP6) */
    NB_SPECIAL_IEEE,  /* exponent all ones: m = 0 is +-inf, m != 0 NaN (OCP E5M2) */
    NB_SPECIAL_FN,    /* finite, one NaN magnitude: S.1..1.1..1 (OCP E4M3) */
    NB_SPECIAL_FNUZ,  /* finite, no negative zero: code 10..0 is the only NaN */
} nb_special;

/* The optional supernormal on the negative-zero code. */
typedef enum nb_super {
    NB_SUPER_NONE,
    NB_SUPER_RANGE,      /* largest finite + its ulp = 2^(emax+1) (E2M1: 8) */
    NB_SUPER_PRECISION,  /* midpoint of the two largest finite values (E2M1: 5) */
    NB_SUPER_VALUE,      /* a given value on the format's grid (E2M1: 2.5) */
} nb_super;

typedef struct nb_minifloat {
    int exp_bits;
    int man_bits;
    int bias;
    nb_subnormal subnormal;
    double subnormal_value;   /* NB_SUB_CONST only */
    bool has_special;         /* the negative-zero code carries an extra value */
    double special_value;     /* the supernormal: +8 (SR), +5 (SP), +2.5 (SP1) */
    nb_special specials;      /* inf/NaN codes (spec formats; named ones have none) */
} nb_minifloat;

/* Widest hardware-grid mantissa a format may have: the library holds grid
 * values exactly in doubles (53-bit significand). ExMy specs with 6 or more
 * exponent bits span more binades than that and are refused. */
#define NB_GRID_MANT_BITS_MAX 53

typedef struct nb_format {
    char name[NB_NAME_MAX];   /* canonical spec, e.g. "e2m1-sr", "sf4:7", "lut:cb.txt" */
    char title[96];           /* human label */
    nb_encoding encoding;
    nb_minifloat minifloat;   /* NB_ENC_MINIFLOAT only */
    int code_bits;            /* 4 or 8; 2..8 for element specs (fp:, int:, uint:) */
    int num_codes;            /* 1 << code_bits */
    bool is_lookup;           /* values come from a table (rounded in hardware) */
    bool is_overq;            /* OverQ slots: uint4 nibbles plus a tag (activations only) */
    double nu;                /* SF4 degrees of freedom, 0 otherwise */

    double ideal[NB_MAX_CODES];  /* code -> mathematical value */
    bool used[NB_MAX_CODES];     /* false: redundant (-0) or unassigned; never emitted */
    bool nonfinite[NB_MAX_CODES];/* inf/NaN code of a spec format: ideal 0, decodes to 0 */

    /* Hardware grid. */
    int frac_bits;               /* value_hw = mant * 2^-frac_bits */
    int64_t mant[NB_MAX_CODES];
    int mant_bits;               /* two's-complement width holding every mant */
    double hw[NB_MAX_CODES];     /* mant * 2^-frac_bits */
    double lut_max_error;        /* max |hw - ideal| over used codes (0 when exact) */
    bool grid_exact;             /* every ideal value is on the grid */

    /* Sorted distinct hardware values, as the quantizer sees them. */
    int num_values;
    double values[NB_MAX_CODES];      /* ascending */
    uint8_t value_code[NB_MAX_CODES]; /* the code emitted for values[i] */
    double midpoints[NB_MAX_CODES];   /* (values[i] + values[i+1]) / 2 */
    double max_abs;                   /* max |value|: the scale denominator */
    double max_positive;              /* largest value */
    uint8_t zero_code;                /* the code emitted for 0 (every format has one) */
    bool supports_rne;                /* code LSB is the mantissa LSB */
} nb_format;

typedef struct nb_format_opts {
    int lut_frac_bits;   /* fractional bits of lookup ROM entries (1..16) */
} nb_format_opts;

nb_format_opts nb_format_opts_default(void);

/* Parse a format spec ("e2m1", "FP4_RANGE", "sf4:7", "lut:FILE", or an
 * element spec "fp:e4m3:special=fn", "int:3", "uint:6": nibble/exmy.h) into *out.
 * Unknown names produce an error that lists the valid ones. */
bool nb_format_parse(const char *spec, const nb_format_opts *opts, nb_format *out, nb_err *err);

/* The built-in formats, in presentation order. */
int nb_format_builtin_count(void);
const char *nb_format_builtin_name(int i);
/* Aliases accepted for builtin i, comma separated ("" if none). */
const char *nb_format_builtin_aliases(int i);

/* Comma separated list of valid names, for error messages and --help. */
const char *nb_format_valid_names(void);

/* Value the hardware computes with for a code (mant * 2^-frac_bits). */
static inline double nb_format_hw_value(const nb_format *f, unsigned code)
{
    return f->hw[code];
}

/* Parse a comma-separated list of specs into an array (max n). Returns count or -1. */
int nb_format_parse_list(const char *list, const nb_format_opts *opts, nb_format *out, int max,
                         nb_err *err);

#endif
