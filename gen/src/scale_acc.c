/* --scale-acc: the accumulator of a block-scaled design's scale stage,
 * binary32 (the default) or the wide fixed-point register of
 * nb_block_gemm_fixed, which needs E8M0 scales on both operands (the block
 * term is then a shift; gen/README.md, "Fixed-point accumulator"). */
#include <stdio.h>
#include <string.h>

#include "nibble/design.h"
#include "nibble/parse.h"

#define USAGE "use fp32 or fixed[:BITS[:LSB[:wrap|sat]]], e.g. fixed:48:-24:sat"

/* The next ':'-separated field of *at (NULL when none is left). */
static char *field(char **at)
{
    if (!*at)
        return NULL;
    char *f = *at, *c = strchr(f, ':');
    if (c)
        *c = '\0';
    *at = c ? c + 1 : NULL;
    return f;
}

static bool parse_fixed(const char *text, char *rest, nb_block_fixed_acc *f, nb_err *err)
{
    *f = (nb_block_fixed_acc){.bits = NB_SCALE_FIXED_BITS_DEFAULT,
                              .lsb_exp = NB_SCALE_FIXED_LSB_DEFAULT, .mode = NB_ACC_WRAP};
    long long v;
    char *s = field(&rest);
    if (s) {
        if (nb_parse_int(s, 2, NB_ACC_BITS_MAX, &v) != NB_NUM_OK)
            return nb_fail(err, "--scale-acc %s: the register width BITS must be an integer in "
                           "2..%d (got \"%s\"); " USAGE, text, NB_ACC_BITS_MAX, s);
        f->bits = (int)v;
    }
    if ((s = field(&rest))) {
        if (nb_parse_int(s, -600, 600, &v) != NB_NUM_OK)
            return nb_fail(err, "--scale-acc %s: the LSB exponent must be an integer in -600..600 "
                           "(the LSB weighs 2^LSB; got \"%s\"); " USAGE, text, s);
        f->lsb_exp = (int)v;
    }
    if ((s = field(&rest))) {
        if (strcmp(s, "wrap") == 0)
            f->mode = NB_ACC_WRAP;
        else if (strcmp(s, "sat") == 0)
            f->mode = NB_ACC_SATURATE;
        else
            return nb_fail(err, "--scale-acc %s: overflow mode \"%s\" is unknown; " USAGE, text, s);
    }
    if (rest)
        return nb_fail(err, "--scale-acc %s: too many fields; " USAGE, text);
    return true;
}

bool nb_design_scale_acc(const nb_design_params *p, nb_design *d, nb_err *err)
{
    const char *text = p->scale_acc ? p->scale_acc : "fp32";
    d->scale_fixed = false;
    d->facc_bits = 32;
    snprintf(d->scale_acc_spec, sizeof d->scale_acc_spec, "fp32");
    d->params.scale_acc = d->scale_acc_spec;
    if (strcmp(text, "fp32") == 0)
        return true;
    char copy[64];
    if (strlen(text) >= sizeof copy)
        return nb_fail(err, "--scale-acc %.40s...: too long; " USAGE, text);
    memcpy(copy, text, strlen(text) + 1);
    char *rest = copy, *kind = field(&rest);
    if (strcmp(kind, "fixed") != 0)
        return nb_fail(err, "--scale-acc %s is unknown; " USAGE, text);
    if (!parse_fixed(text, rest, &d->fixed, err))
        return false;
    if (d->wblock.scale != NB_SF_E8M0 || d->ablock.scale != NB_SF_E8M0)
        return nb_fail(err, "--scale-acc %s needs E8M0 scales on both operands (the block term is "
                       "then a shift), but --weights %s has %s scales and --acts %s %s scales; "
                       "use --scale-acc fp32", text, p->weights,
                       nb_scale_fmt_name(d->wblock.scale), p->acts,
                       nb_scale_fmt_name(d->ablock.scale));
    if (p->scale_stages && (p->scale_stages < 2 || p->scale_stages > 3))
        return nb_fail(err, "--scale-stages %d with --scale-acc %s: the fixed-point scale stage "
                       "takes 2 cycles (the shift, then the addition and the conversion) or 3 "
                       "(the conversion in a cycle of its own)", p->scale_stages, text);
    d->scale_fixed = true;
    d->facc_bits = d->fixed.bits + 1;
    snprintf(d->scale_acc_spec, sizeof d->scale_acc_spec, "fixed:%d:%d:%s", d->fixed.bits,
             d->fixed.lsb_exp, d->fixed.mode == NB_ACC_WRAP ? "wrap" : "sat");
    return true;
}
