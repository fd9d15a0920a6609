/* Element spec encode: value -> code, round to nearest with ties to the code
 * whose LSB is 0, saturating (rules in nibble/exmy.h and num/README.md).
 * Written as a search over the decoded codes, so it is correct by reading:
 * at most 256 candidates, and for the two values adjacent to x both
 * differences are exact in double (Sterbenz), so ties are detected exactly. */
#include <math.h>

#include "nibble/exmy.h"

static unsigned nan_code(const nb_exmy *s)
{
    unsigned half = 1u << (s->bits - 1);
    return s->specials == NB_SPECIAL_FNUZ ? half : half - 1; /* fn: 0.1..1.1..1; ieee: quiet NaN */
}

static bool has_nan(const nb_exmy *s)
{
    return s->kind == NB_EXMY_FP &&
           (s->specials == NB_SPECIAL_FN || s->specials == NB_SPECIAL_FNUZ ||
            (s->specials == NB_SPECIAL_IEEE && s->man_bits > 0));
}

/* Does code a win a tie against code b (equal distance to x)? */
static bool tie_wins(const nb_exmy *s, unsigned a, unsigned b)
{
    if ((a & 1) != (b & 1))
        return (a & 1) == 0;
    return fabs(nb_exmy_decode(s, a)) < fabs(nb_exmy_decode(s, b));
}

bool nb_exmy_encode(const nb_exmy *s, double x, unsigned *code, nb_err *err)
{
    if (isnan(x)) {
        if (!has_nan(s))
            return nb_fail(err, "cannot encode NaN: this format has no NaN code (use special=ieee, "
                           "fn or fnuz)");
        *code = nan_code(s);
        return true;
    }
    unsigned half = 1u << (s->bits - 1);
    if (isinf(x) && s->kind == NB_EXMY_FP && s->specials == NB_SPECIAL_IEEE) {
        *code = (x < 0 ? half : 0) | (((1u << s->exp_bits) - 1) << s->man_bits);
        return true;
    }
    if (x == 0) {
        *code = 0;
        return true;
    }
    /* Candidates: every finite code except the most negative integer of a
     * symmetric int:N and the plain negative zero (zero is code 0). */
    unsigned lo = 0, hi = 0, best = 0;
    double best_d = INFINITY;
    for (unsigned c = 0; c < (1u << s->bits); c++) {
        if (s->kind == NB_EXMY_INT && !s->int_full && c == half)
            continue;
        double v = nb_exmy_decode(s, c);
        if (!isfinite(v) || (v == 0 && c != 0))
            continue;
        if (v < nb_exmy_decode(s, lo))
            lo = c;
        if (v > nb_exmy_decode(s, hi))
            hi = c;
        double d = fabs(x - v);
        if (d < best_d || (d == best_d && tie_wins(s, c, best))) {
            best = c;
            best_d = d;
        }
    }
    /* Saturation, decided before any distance can round (x = 1e300). */
    if (x >= nb_exmy_decode(s, hi))
        best = hi;
    else if (x <= nb_exmy_decode(s, lo))
        best = lo;
    *code = best;
    return true;
}
