/* Nearest-value rounding against a format's sorted hardware values. */
#include "nibble/quant.h"

uint8_t nb_round_to_code(const nb_format *fmt, double x, nb_rounding rounding)
{
    /* Smallest i with x <= mid(i): mid(i-1) < x <= mid(i) selects value i. */
    int lo = 0, hi = fmt->num_values - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (x <= fmt->midpoints[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    if (rounding == NB_ROUND_NEAREST_EVEN && lo + 1 < fmt->num_values &&
        x == fmt->midpoints[lo]) {
        uint8_t lower = fmt->value_code[lo], upper = fmt->value_code[lo + 1];
        if ((lower & 1) && !(upper & 1))
            return upper;
    }
    return fmt->value_code[lo];
}
