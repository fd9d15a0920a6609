/* The W-bit two's-complement accumulator, wrap or saturate. */
#include <strings.h>

#include "nibble/arith.h"

int64_t nb_acc_min(int bits)
{
    return -((int64_t)1 << (bits - 1));
}

int64_t nb_acc_max(int bits)
{
    return ((int64_t)1 << (bits - 1)) - 1;
}

int nb_signed_width(int64_t v)
{
    int w = 1;
    while (v < nb_acc_min(w) || v > nb_acc_max(w))
        w++;
    return w;
}

int64_t nb_product_max_abs(const nb_operand *w, const nb_operand *a)
{
    int64_t best = 0;
    for (int wc = 0; wc < w->fmt->num_codes; wc++)
        for (int ac = 0; ac < a->fmt->num_codes; ac++) {
            int64_t p = nb_product(w, (unsigned)wc, a, (unsigned)ac);
            if (p < 0)
                p = -p;
            if (p > best)
                best = p;
        }
    return best;
}

int nb_product_width(const nb_operand *w, const nb_operand *a)
{
    int width = 1;
    for (int wc = 0; wc < w->fmt->num_codes; wc++)
        for (int ac = 0; ac < a->fmt->num_codes; ac++) {
            int b = nb_signed_width(nb_product(w, (unsigned)wc, a, (unsigned)ac));
            if (b > width)
                width = b;
        }
    return width;
}

bool nb_acc_mode_parse(const char *s, nb_acc_mode *out, nb_err *err)
{
    if (strcasecmp(s, "wrap") == 0) {
        *out = NB_ACC_WRAP;
        return true;
    }
    if (strcasecmp(s, "sat") == 0 || strcasecmp(s, "saturate") == 0) {
        *out = NB_ACC_SATURATE;
        return true;
    }
    return nb_fail(err, "unknown accumulator mode '%s': use wrap or sat", s);
}

const char *nb_acc_mode_name(nb_acc_mode m)
{
    return m == NB_ACC_SATURATE ? "sat" : "wrap";
}
