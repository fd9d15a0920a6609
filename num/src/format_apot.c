/* APoT4 (additive powers of two) as sign + 3-bit magnitude index, normalized
 * to max 1. Like E2M1, the negative-zero code is redundant; APoT4-SP reuses it
 * for +0.5 (super-precision). */
#include "format_internal.h"

static const double APOT4_MAGNITUDES[8] = {0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0};

bool nb_build_apot4(nb_format *f, bool super_precision, nb_err *err)
{
    (void)err;
    if (super_precision)
        nb_format_begin(f, "apot4-sp", "APoT4 + super-precision (-0 code = +0.5)",
                        NB_ENC_SIGNMAG_LUT, 4);
    else
        nb_format_begin(f, "apot4", "APoT4 (additive powers of two)", NB_ENC_SIGNMAG_LUT, 4);
    for (unsigned c = 0; c < 16; c++) {
        unsigned mag = c & 7;
        bool neg = c >> 3;
        if (neg && mag == 0) {
            f->ideal[c] = super_precision ? 0.5 : 0.0;
            f->used[c] = super_precision;
        } else {
            f->ideal[c] = neg ? -APOT4_MAGNITUDES[mag] : APOT4_MAGNITUDES[mag];
            f->used[c] = true;
        }
    }
    f->is_lookup = true;
    return true;
}
