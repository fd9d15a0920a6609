/* Round a ratio a / b to a scale format: nearest, ties to the even code,
 * saturating. Positive finite values grow with the code, so a binary search
 * over codes 0..max_code finds the two neighbours; the decision between them
 * compares a with midpoint * b exactly (no rounded quotient is ever used). */
#include <math.h>

#include "nibble/scale_format.h"

/* a / b > mid, exactly: mid * b is exact in double (see the header). */
static int cmp_ratio(double a, double b, double mid)
{
    double mb = mid * b;
    return (a > mb) - (a < mb);
}

unsigned nb_scale_encode_ratio(nb_scale_fmt f, double a, double b)
{
    unsigned lo = 0, hi = nb_scale_fmt_max_code(f);
    /* Largest code whose value is <= a / b (code 0 if none: E8M0's 2^-127). */
    if (cmp_ratio(a, b, nb_scale_decode(f, hi)) >= 0)
        return hi; /* at or beyond the largest value: saturate */
    while (lo < hi) {
        unsigned mid = (lo + hi + 1) / 2;
        if (cmp_ratio(a, b, nb_scale_decode(f, mid)) >= 0)
            lo = mid;
        else
            hi = mid - 1;
    }
    double v0 = nb_scale_decode(f, lo), v1 = nb_scale_decode(f, lo + 1);
    if (cmp_ratio(a, b, v0) < 0)
        return lo; /* below the smallest value (E8M0 only: no zero) */
    int c = cmp_ratio(a, b, (v0 + v1) / 2);
    if (c < 0)
        return lo;
    if (c > 0)
        return lo + 1;
    return (lo & 1) ? lo + 1 : lo; /* tie: the even code */
}
