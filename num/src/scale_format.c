/* Scale formats: names, widths and exact decoding (encoding: scale_encode.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nibble/scale_format.h"

typedef struct scale_def {
    const char *name;
    const char *aliases[3];
    int bits;
    unsigned max_code;
    /* IEEE-style fields: exponent bits, mantissa bits, bias; E8M0 has no mantissa. */
    int ebits, mbits, bias;
} scale_def;

static const scale_def DEFS[NB_SF_COUNT] = {
    [NB_SF_E8M0] = {"e8m0", {"ue8m0", NULL, NULL}, 8, 254, 8, 0, 127},
    [NB_SF_UE4M3] = {"ue4m3", {"e4m3", NULL, NULL}, 8, 0x7E, 4, 3, 7},
    [NB_SF_FP16] = {"fp16", {"f16", "half", "binary16"}, 16, 0x7BFF, 5, 10, 15},
    [NB_SF_BF16] = {"bf16", {"bfloat16", NULL, NULL}, 16, 0x7F7F, 8, 7, 127},
};

const char *nb_scale_fmt_name(nb_scale_fmt f)
{
    return DEFS[f].name;
}

const char *nb_scale_fmt_valid_names(void)
{
    return "e8m0 (ue8m0), ue4m3 (e4m3), fp16 (f16, half), bf16";
}

int nb_scale_fmt_bits(nb_scale_fmt f)
{
    return DEFS[f].bits;
}

unsigned nb_scale_fmt_max_code(nb_scale_fmt f)
{
    return DEFS[f].max_code;
}

double nb_scale_fmt_max_value(nb_scale_fmt f)
{
    return nb_scale_decode(f, DEFS[f].max_code);
}

/* Width of a name of the form [u]eXmY or fp:eXmY (sign bit unless 'u'), or 0. */
static int exmy_width(const char *name)
{
    const char *p = name;
    int sign = 1;
    if (strncasecmp(p, "fp:", 3) == 0)
        p += 3;
    if (*p == 'u' || *p == 'U') {
        sign = 0;
        p++;
    }
    if (*p != 'e' && *p != 'E')
        return 0;
    char *end;
    long x = strtol(p + 1, &end, 10);
    if (end == p + 1 || (*end != 'm' && *end != 'M'))
        return 0;
    const char *q = end + 1;
    long y = strtol(q, &end, 10);
    if (end == q || (*end && *end != ':') || x < 0 || y < 0 || x > 64 || y > 64)
        return 0;
    return sign + (int)x + (int)y;
}

bool nb_scale_fmt_parse(const char *name, nb_scale_fmt *out, nb_err *err)
{
    for (int i = 0; i < NB_SF_COUNT; i++) {
        bool match = strcasecmp(name, DEFS[i].name) == 0;
        for (int a = 0; a < 3 && DEFS[i].aliases[a] && !match; a++)
            match = strcasecmp(name, DEFS[i].aliases[a]) == 0;
        if (match) {
            *out = (nb_scale_fmt)i;
            return true;
        }
    }
    int width = exmy_width(name);
    if (width > 8)
        return nb_fail(err, "scale format '%s' is %d bits wide; block scales are at most 8 bits "
                       "(e8m0, ue4m3), apart from the group-scale formats fp16 and bf16",
                       name, width);
    return nb_fail(err, "unknown scale format '%s'; valid scale formats: %s", name,
                   nb_scale_fmt_valid_names());
}

bool nb_scale_decode_exact(nb_scale_fmt f, unsigned code, int *sign, uint32_t *mant, int *exp2,
                           bool *is_nan)
{
    const scale_def *d = &DEFS[f];
    *is_nan = false;
    *sign = 1;
    if (f == NB_SF_E8M0) {
        if (code > 254) {
            *is_nan = true;
            return false;
        }
        *mant = 1;
        *exp2 = (int)code - NB_E8M0_BIAS;
        return true;
    }
    if (f == NB_SF_UE4M3 && (code > 0x7E)) {
        *is_nan = true; /* 0x7F, and every code with the (absent) sign bit set */
        return false;
    }
    unsigned total = (unsigned)(1 + d->ebits + d->mbits);
    if (f != NB_SF_UE4M3 && (code >> (total - 1)) & 1)
        *sign = -1;
    unsigned e = (code >> d->mbits) & ((1u << d->ebits) - 1);
    unsigned m = code & ((1u << d->mbits) - 1);
    if (f != NB_SF_UE4M3 && e == (1u << d->ebits) - 1) {
        *is_nan = m != 0; /* IEEE: all-ones exponent is infinity or NaN */
        return false;
    }
    if (e == 0) {
        *mant = m;
        *exp2 = 1 - d->bias - d->mbits;
    } else {
        *mant = (1u << d->mbits) | m;
        *exp2 = (int)e - d->bias - d->mbits;
    }
    return true;
}

double nb_scale_decode(nb_scale_fmt f, unsigned code)
{
    int sign, exp2;
    uint32_t mant;
    bool is_nan;
    if (!nb_scale_decode_exact(f, code, &sign, &mant, &exp2, &is_nan))
        return is_nan ? NAN : sign * INFINITY;
    return sign * ldexp((double)mant, exp2);
}
