/* The scale-selection rules of block formats (floor, rceil, even, nearest),
 * and NVFP4's per-tensor scale. Every rule is computed exactly: exponents
 * from frexp, comparisons against exact products, no rounded logarithms. */
#include <math.h>

#include "nibble/block_quant.h"

static int floor_log2(double x)
{
    int e;
    frexp(x, &e);
    return e - 1;
}

/* amax rounded to 1 + p significant bits, half-up (torchao EVEN adds half an
 * ULP of the target width to the binary32 pattern and truncates): only the
 * exponent matters, and it goes up by one when the significand of amax is at
 * least 2 - 2^-(p+1). */
static int floor_log2_rounded(double amax, int p)
{
    int e = floor_log2(amax);
    double sig = ldexp(amax, -e); /* [1, 2) exactly */
    return sig >= 2.0 - ldexp(1.0, -(p + 1)) ? e + 1 : e;
}

static unsigned e8m0_code(long k)
{
    if (k < -NB_E8M0_BIAS)
        return 0; /* underflow: the smallest scale */
    if (k > 254 - NB_E8M0_BIAS)
        return 254; /* overflow: the largest scale, elements clip */
    return (unsigned)(k + NB_E8M0_BIAS);
}

unsigned nb_block_select_scale(const nb_block_format *bf, double amax, double tensor_scale)
{
    if (!(amax > 0))
        return 0; /* all-zero block: E8M0 2^-127, otherwise the zero code */
    double maxe = bf->elem.max_abs;
    switch (bf->rule) {
    case NB_RULE_FLOOR:
        return e8m0_code((long)floor_log2(amax) - bf->emax);
    case NB_RULE_EVEN:
        return e8m0_code((long)floor_log2_rounded(amax, bf->even_bits) - bf->emax);
    case NB_RULE_RCEIL: {
        /* Smallest k with amax <= maxe * 2^k: start from the exponent ratio
         * and correct by exact comparisons (maxe * 2^k is exact). */
        long k = (long)floor_log2(amax) - floor_log2(maxe) - 1;
        while (amax > ldexp(maxe, (int)k))
            k++;
        while (amax <= ldexp(maxe, (int)(k - 1)))
            k--;
        return e8m0_code(k);
    }
    case NB_RULE_NEAREST:
        if (bf->tensor_scale) {
            if (!(tensor_scale > 0))
                return 0;
            return nb_scale_encode_ratio(bf->scale, amax, maxe * tensor_scale);
        }
        return nb_scale_encode_ratio(bf->scale, amax, maxe);
    }
    return 0;
}

float nb_block_tensor_scale(const nb_block_format *bf, double amax)
{
    /* amax (a float's magnitude) and maxe * 448 (a float: 6 * 448 = 2688) are
     * binary32 values, so the double quotient rounded to binary32 is the
     * correctly rounded binary32 quotient (double rounding is innocuous for
     * division when 53 >= 2 * 24 + 2: Figueroa, "When is double rounding
     * innocuous?", SIGNUM 1995). */
    return (float)(amax / (bf->elem.max_abs * nb_scale_fmt_max_value(bf->scale)));
}
