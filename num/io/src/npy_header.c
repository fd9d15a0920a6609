/* A strict parser for the .npy header: a Python dict literal such as
 *   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
 * Only what numpy.save writes is accepted; anything else is an error with its byte offset. */
#include <stdio.h>
#include <string.h>

#include "io_internal.h"

typedef struct lexer {
    const char *start, *p, *end;
    const char *what;
    uint64_t base;   /* file offset of start */
    nb_err *err;
} lexer;

/* Fails with the file offset of the current position and a printable excerpt. */
static bool fail_at(lexer *lx, const char *expected)
{
    char near[40];
    size_t k = 0;
    for (const char *q = lx->p; q < lx->end && k < sizeof near - 1; q++)
        near[k++] = (*q >= 0x20 && *q < 0x7f) ? *q : '?';
    while (k > 0 && (near[k - 1] == ' ' || near[k - 1] == '?'))
        k--;   /* the padding says nothing */
    near[k] = '\0';
    return nb_fail(lx->err,
                   "%s: .npy header at byte offset %llu: expected %s, found '%s'; the header "
                   "must be the dict numpy.save writes, re-save the array with numpy.save",
                   lx->what, (unsigned long long)(lx->base + (uint64_t)(lx->p - lx->start)),
                   expected, k ? near : "end of header");
}

static void skip_ws(lexer *lx)
{
    while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' ||
                               *lx->p == '\r'))
        lx->p++;
}

/* Consumes c (after whitespace) if it is next. */
static bool accept(lexer *lx, char c)
{
    skip_ws(lx);
    if (lx->p < lx->end && *lx->p == c) {
        lx->p++;
        return true;
    }
    return false;
}

/* A quoted string without escapes, into buf. */
static bool parse_str(lexer *lx, char *buf, size_t cap, const char *expected)
{
    skip_ws(lx);
    if (lx->p >= lx->end || (*lx->p != '\'' && *lx->p != '"'))
        return fail_at(lx, expected);
    char q = *lx->p;
    const char *s = lx->p + 1, *e = s;
    while (e < lx->end && *e != q && *e != '\\')
        e++;
    if (e >= lx->end || *e != q)
        return fail_at(lx, "a quoted string without escapes");
    if ((size_t)(e - s) >= cap)
        return fail_at(lx, "a shorter string");
    memcpy(buf, s, (size_t)(e - s));
    buf[e - s] = '\0';
    lx->p = e + 1;
    return true;
}

static bool parse_bool(lexer *lx, bool *out)
{
    skip_ws(lx);
    size_t left = (size_t)(lx->end - lx->p);
    if (left >= 4 && memcmp(lx->p, "True", 4) == 0) {
        *out = true;
        lx->p += 4;
        return true;
    }
    if (left >= 5 && memcmp(lx->p, "False", 5) == 0) {
        *out = false;
        lx->p += 5;
        return true;
    }
    return fail_at(lx, "True or False");
}

/* A non-negative decimal integer; Python 2 numpy wrote a trailing 'L'. */
static bool parse_dim(lexer *lx, int64_t *out)
{
    skip_ws(lx);
    if (lx->p >= lx->end || *lx->p < '0' || *lx->p > '9')
        return fail_at(lx, "a non-negative integer dimension");
    uint64_t v = 0;
    while (lx->p < lx->end && *lx->p >= '0' && *lx->p <= '9') {
        unsigned d = (unsigned)(*lx->p - '0');
        if (v > ((uint64_t)INT64_MAX - d) / 10)
            return fail_at(lx, "a dimension below 2^63");
        v = v * 10 + d;
        lx->p++;
    }
    if (lx->p < lx->end && *lx->p == 'L')
        lx->p++;
    *out = (int64_t)v;
    return true;
}

/* "()", "(3,)", "(3, 4)", "(3, 4,)"; "(3)" is an int in Python, so it is refused. */
static bool parse_shape(lexer *lx, nb_npy_header *h)
{
    if (!accept(lx, '('))
        return fail_at(lx, "a shape tuple such as (3, 4)");
    h->ndim = 0;
    if (accept(lx, ')'))
        return true;
    for (;;) {
        if (h->ndim == NB_TENSOR_MAX_DIMS)
            return fail_at(lx, "at most 8 dimensions");
        if (!parse_dim(lx, &h->shape[h->ndim++]))
            return false;
        bool comma = accept(lx, ',');
        if (accept(lx, ')')) {
            if (h->ndim == 1 && !comma)
                return fail_at(lx, "a tuple: one dimension is written (3,)");
            return true;
        }
        if (!comma)
            return fail_at(lx, "',' or ')' in the shape");
    }
}

bool nb_npy_parse_header(const char *text, size_t len, const char *what, uint64_t base,
                         nb_npy_header *h, nb_err *err)
{
    lexer lx = {text, text, text + len, what, base, err};
    memset(h, 0, sizeof *h);
    bool seen_descr = false, seen_fortran = false, seen_shape = false;
    if (!accept(&lx, '{'))
        return fail_at(&lx, "'{' opening the header dict");
    while (!accept(&lx, '}')) {
        char key[32];
        const char *key_at = lx.p;
        if (!parse_str(&lx, key, sizeof key, "a quoted key or '}'"))
            return false;
        bool *seen = strcmp(key, "descr") == 0           ? &seen_descr
                     : strcmp(key, "fortran_order") == 0 ? &seen_fortran
                     : strcmp(key, "shape") == 0         ? &seen_shape
                                                         : NULL;
        if (!seen || *seen) {
            lx.p = key_at;
            return fail_at(&lx, seen ? "each key once" : "one of 'descr', 'fortran_order', 'shape'");
        }
        *seen = true;
        if (!accept(&lx, ':'))
            return fail_at(&lx, "':' after the key");
        bool ok;
        if (seen == &seen_descr) {
            skip_ws(&lx);
            /* a list here is a structured dtype, which has no float32 meaning */
            ok = lx.p < lx.end && *lx.p == '['
                     ? fail_at(&lx, "a plain dtype string (structured dtypes are not supported)")
                     : parse_str(&lx, h->descr, sizeof h->descr, "a dtype string such as '<f4'");
        } else if (seen == &seen_fortran) {
            ok = parse_bool(&lx, &h->fortran_order);
        } else {
            ok = parse_shape(&lx, h);
        }
        if (!ok)
            return false;
        if (!accept(&lx, ',')) {
            if (accept(&lx, '}'))
                break;
            return fail_at(&lx, "',' or '}' after a value");
        }
    }
    skip_ws(&lx);
    if (lx.p != lx.end)
        return fail_at(&lx, "only padding after the header dict");
    if (!seen_descr || !seen_fortran || !seen_shape)
        return nb_fail(err,
                       "%s: .npy header lacks the '%s' key; the header must name descr, "
                       "fortran_order and shape, re-save the array with numpy.save",
                       what, !seen_descr ? "descr" : !seen_fortran ? "fortran_order" : "shape");
    return true;
}
