/* Element specs: fp:eXmY[:key=value]..., int:N[:range=sym|full], uint:N.
 * The grammar and its defaults are in num/README.md ("Element formats from a
 * spec"); every refusal names the part of the spec that is wrong. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format_internal.h"
#include "nibble/exmy.h"
#include "nibble/parse.h"

#define FP_SYNTAX "fp:eXmY[:bias=B][:sub=ieee|none][:special=none|ieee|fn|fnuz][:super=range|precision|VALUE]"

bool nb_exmy_is_spec(const char *spec)
{
    return strncasecmp(spec, "fp:", 3) == 0 || strncasecmp(spec, "int:", 4) == 0 ||
           strncasecmp(spec, "uint:", 5) == 0;
}

/* Digits only (no sign, no spaces), 1..3 of them: field widths and N. */
static bool small_uint(const char *p, size_t n, int *out)
{
    if (n == 0 || n > 3)
        return false;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

static bool check_width(const char *spec, int bits, const char *how, nb_err *err)
{
    if (bits < NB_EXMY_BITS_MIN || bits > NB_EXMY_BITS_MAX)
        return nb_fail(err, "element format '%s' has %d bits (%s); element formats have %d to %d "
                       "bits", spec, bits, how, NB_EXMY_BITS_MIN, NB_EXMY_BITS_MAX);
    return true;
}

/* Splits "key=value" at '='; NULL value when there is none. */
static void split_option(char *opt, char **value)
{
    char *eq = strchr(opt, '=');
    *value = NULL;
    if (eq) {
        *eq = '\0';
        *value = eq + 1;
    }
}

/* The second-largest and largest positive finite values (no supernormal yet). */
static void top_two(const nb_exmy *s, double *below, double *top)
{
    *below = *top = 0;
    for (unsigned c = 0; c < (1u << (s->bits - 1)); c++) {
        double v = nb_exmy_decode(s, c);
        if (!isfinite(v) || v <= *below)
            continue;
        if (v > *top) {
            *below = *top;
            *top = v;
        } else if (v < *top) {
            *below = v;
        }
    }
}

static bool parse_super(const char *spec, nb_exmy *s, const char *value, nb_err *err)
{
    if (s->specials == NB_SPECIAL_FNUZ)
        return nb_fail(err, "'%s': super= needs the negative-zero code, and special=fnuz makes "
                       "that code the NaN; drop one of them", spec);
    double below, top;
    top_two(s, &below, &top);
    double ulp = top - below;
    if (strcasecmp(value, "range") == 0) {
        s->super = NB_SUPER_RANGE;
        s->super_value = top + ulp;
        return true;
    }
    if (strcasecmp(value, "precision") == 0) {
        s->super = NB_SUPER_PRECISION;
        s->super_value = (top + below) / 2;
        return true;
    }
    double v;
    if (nb_parse_decimal(value, &v) != NB_NUM_OK)
        return nb_fail(err, "'%s': super=%s is neither range, precision nor a decimal value", spec,
                       value);
    /* the smallest step of the format: every value is a multiple of it */
    int q = (s->sub == NB_SUB_IEEE ? 1 : 0) - s->bias - s->man_bits;
    double steps = ldexp(v, -q);
    if (v == 0 || steps != floor(steps) || fabs(v) > top + ulp)
        return nb_fail(err, "'%s': super=%s must be a nonzero multiple of the format's smallest "
                       "step 2^%d with magnitude at most %g (largest value + its ulp)", spec,
                       value, q, top + ulp);
    for (unsigned c = 0; c < (1u << s->bits); c++)
        if (nb_exmy_decode(s, c) == v)
            return nb_fail(err, "'%s': super=%s is already the value of code %u", spec, value, c);
    s->super = NB_SUPER_VALUE;
    s->super_value = v;
    return true;
}

static bool parse_fp(const char *spec, char *body, nb_exmy *s, nb_err *err)
{
    /* body: "eXmY[:opt...]" */
    char *opts = strchr(body, ':');
    if (opts)
        *opts++ = '\0';
    char *m = strpbrk(body, "mM");
    int E, M;
    if ((body[0] != 'e' && body[0] != 'E') || !m || !small_uint(body + 1, (size_t)(m - body - 1), &E) ||
        !small_uint(m + 1, strlen(m + 1), &M))
        return nb_fail(err, "malformed element format '%s': write %s, e.g. fp:e4m3:special=fn",
                       spec, FP_SYNTAX);
    if (E < 1)
        return nb_fail(err, "element format '%s' has no exponent bits; use int:N or uint:N for "
                       "integers", spec);
    if (!check_width(spec, 1 + E + M, "1 sign + exponent + mantissa", err))
        return false;
    s->kind = NB_EXMY_FP;
    s->bits = 1 + E + M;
    s->exp_bits = E;
    s->man_bits = M;
    s->sub = NB_SUB_IEEE;
    s->specials = NB_SPECIAL_NONE;
    const char *bias_text = NULL, *super_text = NULL;
    bool seen_sub = false, seen_special = false;
    while (opts) {
        char *next = strchr(opts, ':');
        if (next)
            *next++ = '\0';
        char *value;
        split_option(opts, &value);
        if (!value || !*value)
            return nb_fail(err, "malformed option '%s' in '%s': options are key=value (%s)", opts,
                           spec, FP_SYNTAX);
        bool dup = false;
        if (strcasecmp(opts, "bias") == 0) {
            dup = bias_text != NULL;
            bias_text = value;
        } else if (strcasecmp(opts, "sub") == 0) {
            dup = seen_sub;
            seen_sub = true;
            if (strcasecmp(value, "ieee") == 0)
                s->sub = NB_SUB_IEEE;
            else if (strcasecmp(value, "none") == 0)
                s->sub = NB_SUB_NONE;
            else
                return nb_fail(err, "unknown subnormal policy sub=%s in '%s': use sub=ieee "
                               "(gradual underflow) or sub=none", value, spec);
        } else if (strcasecmp(opts, "special") == 0) {
            dup = seen_special;
            seen_special = true;
            if (strcasecmp(value, "none") == 0)
                s->specials = NB_SPECIAL_NONE;
            else if (strcasecmp(value, "ieee") == 0)
                s->specials = NB_SPECIAL_IEEE;
            else if (strcasecmp(value, "fn") == 0)
                s->specials = NB_SPECIAL_FN;
            else if (strcasecmp(value, "fnuz") == 0)
                s->specials = NB_SPECIAL_FNUZ;
            else
                return nb_fail(err, "unknown special-value policy special=%s in '%s': use none, "
                               "ieee, fn or fnuz", value, spec);
        } else if (strcasecmp(opts, "super") == 0) {
            dup = super_text != NULL;
            super_text = value;
        } else {
            return nb_fail(err, "unknown option '%s' in '%s': fp: formats take bias, sub, "
                           "special and super (%s)", opts, spec, FP_SYNTAX);
        }
        if (dup)
            return nb_fail(err, "option %s given twice in '%s'", opts, spec);
        opts = next;
    }
    int emax_field = (1 << E) - 1;
    s->bias = (1 << (E - 1)) - 1 + (s->specials == NB_SPECIAL_FNUZ ? 1 : 0);
    if (bias_text) {
        long long b;
        if (nb_parse_int(bias_text, 0, emax_field, &b) != NB_NUM_OK)
            return nb_fail(err, "bias=%s in '%s' is outside the exponent range: a %d-bit exponent "
                           "takes a bias from 0 to %d", bias_text, spec, E, emax_field);
        s->bias = (int)b;
    }
    if (s->specials == NB_SPECIAL_IEEE && M == 0 && E == 1)
        return nb_fail(err, "'%s' with special=ieee has no finite nonzero value", spec);
    if (super_text && !parse_super(spec, s, super_text, err))
        return false;
    return true;
}

static bool parse_int(const char *spec, char *body, bool is_unsigned, nb_exmy *s, nb_err *err)
{
    char *opts = strchr(body, ':');
    if (opts)
        *opts++ = '\0';
    int N;
    if (!small_uint(body, strlen(body), &N))
        return nb_fail(err, "malformed element format '%s': write int:N[:range=sym|full] or "
                       "uint:N with N from %d to %d", spec, NB_EXMY_BITS_MIN, NB_EXMY_BITS_MAX);
    if (!check_width(spec, N, "N", err))
        return false;
    s->kind = is_unsigned ? NB_EXMY_UINT : NB_EXMY_INT;
    s->bits = N;
    bool seen_range = false;
    while (opts) {
        char *next = strchr(opts, ':');
        if (next)
            *next++ = '\0';
        char *value;
        split_option(opts, &value);
        if (is_unsigned || strcasecmp(opts, "range") != 0 || !value)
            return nb_fail(err, "unknown option '%s' in '%s': int:N takes only range=sym|full, "
                           "uint:N no options", opts, spec);
        if (seen_range)
            return nb_fail(err, "option range given twice in '%s'", spec);
        seen_range = true;
        if (strcasecmp(value, "full") == 0)
            s->int_full = true;
        else if (strcasecmp(value, "sym") == 0)
            s->int_full = false;
        else
            return nb_fail(err, "unknown integer range range=%s in '%s': use sym (-(2^(N-1)-1) .. "
                           "2^(N-1)-1, the default) or full (from -2^(N-1))", value, spec);
        opts = next;
    }
    return true;
}

bool nb_exmy_parse(const char *spec, nb_exmy *out, nb_err *err)
{
    memset(out, 0, sizeof *out);
    char buf[NB_NAME_MAX];
    if (!spec || strlen(spec) >= sizeof buf)
        return nb_fail(err, "element format spec is missing or longer than %d characters",
                       NB_NAME_MAX - 1);
    strcpy(buf, spec);
    if (strncasecmp(buf, "fp:", 3) == 0)
        return parse_fp(spec, buf + 3, out, err);
    if (strncasecmp(buf, "int:", 4) == 0)
        return parse_int(spec, buf + 4, false, out, err);
    if (strncasecmp(buf, "uint:", 5) == 0)
        return parse_int(spec, buf + 5, true, out, err);
    return nb_fail(err, "'%s' is not an element format spec: write %s, int:N or uint:N", spec,
                   FP_SYNTAX);
}

void nb_exmy_canonical(const nb_exmy *s, char *buf, size_t len)
{
    if (s->kind != NB_EXMY_FP) {
        snprintf(buf, len, "%s:%d%s", s->kind == NB_EXMY_UINT ? "uint" : "int", s->bits,
                 s->int_full ? ":range=full" : "");
        return;
    }
    static const char *const SPECIAL[] = {"none", "ieee", "fn", "fnuz"};
    int default_bias = (1 << (s->exp_bits - 1)) - 1 + (s->specials == NB_SPECIAL_FNUZ ? 1 : 0);
    size_t o = (size_t)snprintf(buf, len, "fp:e%dm%d", s->exp_bits, s->man_bits);
    if (s->bias != default_bias && o < len)
        o += (size_t)snprintf(buf + o, len - o, ":bias=%d", s->bias);
    if (s->sub == NB_SUB_NONE && o < len)
        o += (size_t)snprintf(buf + o, len - o, ":sub=none");
    if (s->specials != NB_SPECIAL_NONE && o < len)
        o += (size_t)snprintf(buf + o, len - o, ":special=%s", SPECIAL[s->specials]);
    if (s->super == NB_SUPER_RANGE && o < len)
        snprintf(buf + o, len - o, ":super=range");
    else if (s->super == NB_SUPER_PRECISION && o < len)
        snprintf(buf + o, len - o, ":super=precision");
    else if (s->super == NB_SUPER_VALUE && o < len)
        snprintf(buf + o, len - o, ":super=%.17g", s->super_value);
}
