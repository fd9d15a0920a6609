/* Strict number parsing: check the decimal grammar first, then let the C
 * library convert (strtod/strtoull are exact and handle any length); their own
 * laxness (leading spaces, hex, inf, nan, partial parses) never gets a say. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "nibble/parse.h"

static size_t digits(const char *p)
{
    size_t n = 0;
    while (p[n] >= '0' && p[n] <= '9')
        n++;
    return n;
}

/* Length of the decimal number at the start of `p`, or 0 if there is none. */
static size_t decimal_length(const char *p, int allow_fraction)
{
    const char *s = p;
    if (*s == '+' || *s == '-')
        s++;
    size_t whole = digits(s);
    s += whole;
    size_t frac = 0;
    if (allow_fraction && *s == '.') {
        frac = digits(s + 1);
        s += 1 + frac;
    }
    if (whole == 0 && frac == 0)
        return 0;
    if (allow_fraction && (*s == 'e' || *s == 'E')) {
        const char *e = s + 1;
        if (*e == '+' || *e == '-')
            e++;
        size_t ed = digits(e);
        if (ed == 0)
            return 0;
        s = e + ed;
    }
    return (size_t)(s - p);
}

nb_num_status nb_parse_decimal(const char *text, double *out)
{
    size_t n = decimal_length(text, 1);
    if (n == 0 || text[n] != '\0')
        return NB_NUM_SYNTAX;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end != text + n)
        return NB_NUM_SYNTAX;
    /* ERANGE on underflow still gives the correctly rounded denormal or zero */
    if (!isfinite(v))
        return NB_NUM_RANGE;
    *out = v;
    return NB_NUM_OK;
}

nb_num_status nb_parse_int(const char *text, long long min, long long max, long long *out)
{
    size_t n = decimal_length(text, 0);
    if (n == 0 || text[n] != '\0')
        return NB_NUM_SYNTAX;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end != text + n)
        return NB_NUM_SYNTAX;
    if (errno == ERANGE || v < min || v > max)
        return NB_NUM_RANGE;
    *out = v;
    return NB_NUM_OK;
}

nb_num_status nb_parse_uint(const char *text, uint64_t max, uint64_t *out)
{
    if (text[0] == '-')
        return NB_NUM_SYNTAX;
    size_t n = decimal_length(text, 0);
    if (n == 0 || text[n] != '\0')
        return NB_NUM_SYNTAX;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (end != text + n)
        return NB_NUM_SYNTAX;
    if (errno == ERANGE || v > max)
        return NB_NUM_RANGE;
    *out = (uint64_t)v;
    return NB_NUM_OK;
}

const char *nb_num_status_text(nb_num_status s)
{
    switch (s) {
    case NB_NUM_OK:
        return "a number";
    case NB_NUM_SYNTAX:
        return "not a decimal number";
    case NB_NUM_RANGE:
        return "out of range";
    }
    return "not a number";
}
