/* Element spec decode: code -> value, the golden definition every table,
 * grid and generated decoder of an fp:/int:/uint: format derives from. */
#include <math.h>

#include "format_internal.h"
#include "nibble/exmy.h"

double nb_exmy_decode(const nb_exmy *s, unsigned code)
{
    unsigned half = 1u << (s->bits - 1);
    code &= (1u << s->bits) - 1;
    if (s->kind == NB_EXMY_UINT)
        return (double)code;
    if (s->kind == NB_EXMY_INT)
        return code >= half ? (double)code - 2.0 * half : (double)code;

    unsigned mag = code & (half - 1);
    bool neg = code >= half;
    unsigned M = (unsigned)s->man_bits;
    unsigned e = mag >> M, m = mag & ((1u << M) - 1);
    unsigned e_top = (1u << s->exp_bits) - 1;
    if (neg && mag == 0) {
        if (s->specials == NB_SPECIAL_FNUZ)
            return NAN;                 /* 10..0: the only NaN, no negative zero */
        if (s->super != NB_SUPER_NONE)
            return s->super_value;      /* the supernormal slot */
        return -0.0;
    }
    if (s->specials == NB_SPECIAL_IEEE && e == e_top)
        return m ? NAN : neg ? -INFINITY : INFINITY;
    if (s->specials == NB_SPECIAL_FN && mag == half - 1)
        return NAN;                     /* S.1..1.1..1 */
    nb_minifloat mf = {s->exp_bits, s->man_bits, s->bias, s->sub, 0, false, 0, NB_SPECIAL_NONE};
    double v = nb_minifloat_magnitude(&mf, e, m);
    return neg ? -v : v;
}

double nb_exmy_max(const nb_exmy *s)
{
    double top = 0;
    for (unsigned c = 0; c < (1u << s->bits); c++) {
        double v = nb_exmy_decode(s, c);
        if (isfinite(v) && v > top)
            top = v;
    }
    return top;
}
