/* Minifloat formats: sign (top bit), exponent and mantissa fields.
 * E2M1 is OCP FP4 (bias 1, one subnormal 0.5, no inf/NaN); its negative-zero
 * code is redundant, and the supernormal variants give it one extra value. */
#include <math.h>
#include <string.h>

#include "format_internal.h"

double nb_minifloat_magnitude(const nb_minifloat *mf, unsigned e, unsigned m)
{
    int M = mf->man_bits;
    if (e == 0) {
        if (m == 0)
            return 0.0;
        switch (mf->subnormal) {
        case NB_SUB_IEEE:
            return ldexp((double)m, 1 - mf->bias - M);
        case NB_SUB_CONST:
            return mf->subnormal_value;
        case NB_SUB_NONE:
            break;
        }
    }
    /* Normal: (2^M + m) * 2^(e - bias - M); with NB_SUB_NONE e = 0 is normal too. */
    return ldexp((double)((1u << M) + m), (int)e - mf->bias - M);
}

typedef struct minifloat_def {
    const char *name;
    const char *title;
    nb_minifloat mf;
} minifloat_def;

static const minifloat_def DEFS[] = {
    {"e2m1", "E2M1 (OCP FP4)", {2, 1, 1, NB_SUB_IEEE, 0, false, 0, NB_SPECIAL_NONE}},
    {"e2m1-sr", "E2M1 + super-range (-0 code = +8)", {2, 1, 1, NB_SUB_IEEE, 0, true, 8.0, NB_SPECIAL_NONE}},
    {"e2m1-sp", "E2M1 + super-precision (-0 code = +5)", {2, 1, 1, NB_SUB_IEEE, 0, true, 5.0, NB_SPECIAL_NONE}},
    {"e2m1-sp1", "E2M1 + super-precision (-0 code = +2.5)", {2, 1, 1, NB_SUB_IEEE, 0, true, 2.5, NB_SPECIAL_NONE}},
    {"e2m1-ns", "E2M1 without subnormal (+-0.75)", {2, 1, 1, NB_SUB_NONE, 0, false, 0, NB_SPECIAL_NONE}},
    {"e2m1-i", "E2M1-I (Intel Neural Compressor FP4)", {2, 1, 1, NB_SUB_CONST, 0.0625, false, 0, NB_SPECIAL_NONE}},
    {"e1m2", "E1M2", {1, 2, 0, NB_SUB_NONE, 0, false, 0, NB_SPECIAL_NONE}},
    {"e3m0", "E3M0 (4-bit log)", {3, 0, 3, NB_SUB_NONE, 0, false, 0, NB_SPECIAL_NONE}},
};

bool nb_build_minifloat(nb_format *f, const char *variant, nb_err *err)
{
    const minifloat_def *d = NULL;
    for (size_t i = 0; i < sizeof DEFS / sizeof DEFS[0]; i++)
        if (strcmp(DEFS[i].name, variant) == 0)
            d = &DEFS[i];
    if (!d)
        return nb_fail(err, "internal: unknown minifloat %s", variant);
    nb_format_begin(f, d->name, d->title, NB_ENC_MINIFLOAT, 4);
    f->minifloat = d->mf;
    const nb_minifloat *mf = &d->mf;
    unsigned man_mask = (1u << mf->man_bits) - 1;
    for (unsigned c = 0; c < 16; c++) {
        unsigned sign = c >> 3;
        unsigned mag = c & 7;
        unsigned e = mag >> mf->man_bits, m = mag & man_mask;
        double v = nb_minifloat_magnitude(mf, e, m);
        if (sign && mag == 0) {
            /* Negative zero: redundant, or the supernormal's slot. */
            f->ideal[c] = mf->has_special ? mf->special_value : 0.0;
            f->used[c] = mf->has_special;
            continue;
        }
        f->ideal[c] = sign ? -v : v;
        f->used[c] = true;
    }
    /* RNE ties go to mantissa LSB 0, which is the code LSB; a supernormal has
     * no mantissa neighbour, so those variants offer only the paper's rule. */
    f->supports_rne = !mf->has_special && mf->man_bits > 0 && mf->subnormal != NB_SUB_CONST;
    return true;
}

/* bitsandbytes FP4: sign bit 3, magnitude from the low 3 bits through bnb's
 * table (exponent field order reversed, subnormal 0.0625), scaled so max = 12. */
bool nb_build_e2m1_bnb(nb_format *f, nb_err *err)
{
    (void)err;
    nb_format_begin(f, "e2m1-b", "E2M1-B (bitsandbytes FP4)", NB_ENC_SIGNMAG_LUT, 4);
    for (unsigned c = 0; c < 16; c++) {
        unsigned mag = c & 7, e = mag >> 1, m = mag & 1;
        double v;
        if (e == 0)
            v = m ? 0.0625 : 0.0;
        else
            v = ldexp(2.0 + m, 3 - (int)e); /* e=1: 8,12  e=2: 4,6  e=3: 2,3 */
        bool neg = c >> 3;
        f->ideal[c] = neg ? -v : v;
        f->used[c] = !(neg && mag == 0);
    }
    f->is_lookup = true;
    return true;
}
