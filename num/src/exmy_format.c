/* The nb_format of an element spec: code table from nb_exmy_decode; inf/NaN
 * codes and the plain negative zero are never emitted; nb_format_finish then
 * derives the exact hardware grid (and refuses grids wider than 53 bits). */
#include <math.h>
#include <stdio.h>

#include "format_internal.h"
#include "nibble/exmy.h"

static void title_of(const nb_exmy *s, char *buf, size_t len)
{
    static const char *const SPECIAL[] = {"no inf/NaN", "IEEE inf/NaN", "fn: one NaN",
                                          "fnuz: 10..0 NaN"};
    if (s->kind == NB_EXMY_UINT) {
        snprintf(buf, len, "UINT%d (0..%d)", s->bits, (1 << s->bits) - 1);
        return;
    }
    if (s->kind == NB_EXMY_INT) {
        int h = 1 << (s->bits - 1);
        snprintf(buf, len, "INT%d (%s%d..%d)", s->bits, "-", s->int_full ? h : h - 1, h - 1);
        return;
    }
    char super[40] = "";
    if (s->super != NB_SUPER_NONE)
        snprintf(super, sizeof super, ", -0 code = %+g", s->super_value);
    snprintf(buf, len, "E%dM%d (bias %d, %s subnormals, %s%s)", s->exp_bits, s->man_bits, s->bias,
             s->sub == NB_SUB_IEEE ? "IEEE" : "no", SPECIAL[s->specials], super);
}

bool nb_build_exmy(nb_format *f, const char *spec, nb_err *err)
{
    nb_exmy s;
    if (!nb_exmy_parse(spec, &s, err))
        return false;
    char name[NB_NAME_MAX], title[96];
    nb_exmy_canonical(&s, name, sizeof name);
    title_of(&s, title, sizeof title);
    nb_encoding enc = s.kind == NB_EXMY_FP     ? NB_ENC_MINIFLOAT
                      : s.kind == NB_EXMY_INT ? NB_ENC_TWOS
                                              : NB_ENC_UNSIGNED;
    nb_format_begin(f, name, title, enc, s.bits);
    unsigned half = 1u << (s.bits - 1);
    for (unsigned c = 0; c < (unsigned)f->num_codes; c++) {
        double v = nb_exmy_decode(&s, c);
        f->nonfinite[c] = !isfinite(v);
        f->ideal[c] = isfinite(v) ? v + 0.0 : 0.0; /* + 0.0: -0 becomes +0 */
        f->used[c] = isfinite(v) && !(v == 0 && c != 0);
        if (s.kind == NB_EXMY_INT && !s.int_full && c == half)
            f->used[c] = false;
    }
    if (s.kind == NB_EXMY_FP) {
        f->minifloat = (nb_minifloat){s.exp_bits,     s.man_bits,         s.bias,
                                      s.sub,          0,                  s.super != NB_SUPER_NONE,
                                      s.super_value,  s.specials};
        /* nb_round_to_code's RNE sends a tie to the code with LSB 0: the
         * mantissa LSB when there is one and no supernormal in between. */
        f->supports_rne = s.man_bits > 0 && s.super == NB_SUPER_NONE;
    } else {
        f->supports_rne = true;
    }
    return true;
}
