#include "decoder.h"

#include "nibble/exmy.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nb_format_ident(const nb_format *f, char *buf, size_t len)
{
    const char *name = f->name;
    char tmp[NB_NAME_MAX];
    if (strncmp(name, "lut:", 4) == 0) {
        /* a user codebook: name it after the file */
        const char *base = strrchr(name, '/');
        snprintf(tmp, sizeof tmp, "lut_%s", base ? base + 1 : name + 4);
        char *dot = strrchr(tmp, '.');
        if (dot)
            *dot = '\0';
        name = tmp;
    }
    /* element specs: fp:e4m3:special=fn -> fp_e4m3_special_fn (":nu" is sf4's) */
    bool spec = nb_exmy_is_spec(name);
    size_t o = 0;
    for (const char *p = name; *p && o + 4 < len; p++) {
        if (isalnum((unsigned char)*p))
            buf[o++] = (char)tolower((unsigned char)*p);
        else if (*p == ':' && !spec) {
            buf[o++] = '_';
            buf[o++] = 'n';
            buf[o++] = 'u';
        } else if (*p == '.')
            buf[o++] = 'p';
        else
            buf[o++] = '_';
    }
    buf[o] = '\0';
}

static int unsigned_width(int64_t v)
{
    int w = 1;
    while (v >= ((int64_t)1 << w))
        w++;
    return w;
}

static int64_t row_magnitude(const nb_decoder *d, const dec_row *r, unsigned m)
{
    int64_t implicit = ((int64_t)1 << d->man_bits) + m;
    switch (r->kind) {
    case ROW_ZERO:
        return 0;
    case ROW_LINEAR:
        return (int64_t)m << r->shift;
    case ROW_IMPLICIT:
        return implicit << r->shift;
    case ROW_IMPLICIT_NZ:
        return m ? implicit << r->shift : 0;
    case ROW_IMPLICIT_NAN:
        return m == (1u << d->man_bits) - 1 ? 0 : implicit << r->shift;
    case ROW_CONST:
        return m ? r->value : 0;
    }
    return 0;
}

int64_t nb_decoder_emulate(const nb_decoder *d, unsigned code)
{
    unsigned sign_bit = 1u << (d->code_bits - 1);
    switch (d->kind) {
    case DEC_TWOS:
        return (code & sign_bit) ? (int64_t)code - ((int64_t)1 << d->code_bits) : (int64_t)code;
    case DEC_UNSIGNED:
        return (int64_t)code;
    case DEC_INDEX_ROM:
        return d->rom[code];
    case DEC_MINIFLOAT:
    case DEC_SIGNMAG_ROM: {
        if (d->has_special && code == sign_bit)
            return d->special;
        unsigned low = code & (sign_bit - 1);
        int64_t mag;
        if (d->kind == DEC_SIGNMAG_ROM) {
            mag = d->rom[low];
        } else {
            unsigned e = low >> d->man_bits, m = low & ((1u << d->man_bits) - 1);
            mag = row_magnitude(d, &d->rows[e], m);
        }
        return (code & sign_bit) ? -mag : mag;
    }
    }
    return 0;
}

/* Minifloat: one row per exponent value, shifts onto the format's grid. */
static bool plan_minifloat(const nb_format *f, nb_decoder *d, nb_err *err)
{
    const nb_minifloat *mf = &f->minifloat;
    d->exp_bits = mf->exp_bits;
    d->man_bits = mf->man_bits;
    int M = mf->man_bits, F = f->frac_bits;
    d->mag_bits = 1;
    if (mf->exp_bits > 5 || (1 << mf->exp_bits) > NB_DEC_ROWS_MAX)
        return nb_fail(err, "internal: %s has more exponent rows than a decoder holds", f->name);
    int e_top = (1 << mf->exp_bits) - 1;
    for (int e = 0; e <= e_top; e++) {
        dec_row *r = &d->rows[e];
        int bits = 0;
        /* inf/NaN decode to 0: the integer datapath has neither (num/README.md) */
        if (e == e_top && (mf->specials == NB_SPECIAL_IEEE ||
                           (mf->specials == NB_SPECIAL_FN && M == 0))) {
            r->kind = ROW_ZERO;
        } else if (e == e_top && mf->specials == NB_SPECIAL_FN) {
            r->kind = ROW_IMPLICIT_NAN;
            r->shift = e - mf->bias - M + F;
            bits = 1 + M + r->shift;
        } else if (e == 0 && mf->subnormal == NB_SUB_IEEE) {
            r->kind = M ? ROW_LINEAR : ROW_ZERO;
            r->shift = 1 - mf->bias - M + F;
            bits = M + r->shift;
        } else if (e == 0 && mf->subnormal == NB_SUB_CONST) {
            r->kind = ROW_CONST;
            r->value = (int64_t)ldexp(mf->subnormal_value, F);
            bits = unsigned_width(r->value);
        } else if (e == 0) {
            r->kind = M ? ROW_IMPLICIT_NZ : ROW_ZERO;
            r->shift = -mf->bias - M + F;
            bits = 1 + M + r->shift;
        } else {
            r->kind = ROW_IMPLICIT;
            r->shift = e - mf->bias - M + F;
            bits = 1 + M + r->shift;
        }
        if (r->kind != ROW_ZERO && r->kind != ROW_CONST && r->shift < 0)
            return nb_fail(err, "internal: %s exponent %d falls below its grid 2^-%d", f->name, e, F);
        if (r->kind != ROW_ZERO && bits > d->mag_bits)
            d->mag_bits = bits;
    }
    d->has_special = mf->has_special;
    d->special = f->mant[1u << (f->code_bits - 1)];
    return true;
}

/* Sign + magnitude table, when the format is sign-symmetric. */
static bool plan_signmag(const nb_format *f, nb_decoder *d)
{
    int half = f->num_codes / 2;
    for (int c = 1; c < half; c++)
        if (f->mant[c + half] != -f->mant[c])
            return false;
    if (f->mant[0] != 0)
        return false;
    d->mag_bits = 1;
    for (int c = 0; c < half; c++) {
        d->rom[c] = f->mant[c];
        if (unsigned_width(d->rom[c]) > d->mag_bits)
            d->mag_bits = unsigned_width(d->rom[c]);
    }
    d->has_special = f->mant[half] != 0;
    d->special = f->mant[half];
    return true;
}

bool nb_decoder_plan(const nb_format *f, nb_decoder *d, nb_err *err)
{
    memset(d, 0, sizeof *d);
    d->fmt = f;
    d->code_bits = f->code_bits;
    d->out_bits = f->mant_bits;
    nb_format_ident(f, d->ident, sizeof d->ident);
    snprintf(d->module, sizeof d->module, "nibble_dec_%s", d->ident);
    switch (f->encoding) {
    case NB_ENC_TWOS:
        d->kind = DEC_TWOS;
        break;
    case NB_ENC_UNSIGNED:
        d->kind = DEC_UNSIGNED;
        break;
    case NB_ENC_MINIFLOAT:
        d->kind = DEC_MINIFLOAT;
        if (!plan_minifloat(f, d, err))
            return false;
        break;
    case NB_ENC_SIGNMAG_LUT:
        d->kind = DEC_SIGNMAG_ROM;
        if (plan_signmag(f, d))
            break;
        /* not sign-symmetric: use a full table */
        __attribute__((fallthrough));
    case NB_ENC_INDEX_LUT:
        d->kind = DEC_INDEX_ROM;
        for (int c = 0; c < f->num_codes; c++)
            d->rom[c] = f->mant[c];
        break;
    }
    /* FloPoCo-style self check: the structure we emit must reproduce the grid. */
    for (int c = 0; c < f->num_codes; c++) {
        int64_t got = nb_decoder_emulate(d, (unsigned)c);
        if (got != f->mant[c])
            return nb_fail(err, "internal: decoder plan for %s gives %lld for code %d, golden %lld",
                           f->name, (long long)got, c, (long long)f->mant[c]);
    }
    return true;
}
