/* Whitespace-separated decimal numbers -> float32 (see text_io.h). Tokens have
 * no length limit: each is copied whole into a scratch buffer that grows. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/input_file.h"
#include "nibble/parse.h"
#include "nibble/text_io.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

typedef struct {
    float *v;
    size_t len, cap;
    char *tok;
    size_t tok_cap;
} text_state;

static bool push(text_state *t, float x, const char *where, nb_err *err)
{
    if (t->len == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        float *g = cap < SIZE_MAX / sizeof *g ? realloc(t->v, cap * sizeof *g) : NULL;
        if (!g)
            return nb_fail(err, "%s: out of memory for %zu values", where, cap);
        t->v = g;
        t->cap = cap;
    }
    t->v[t->len++] = x;
    return true;
}

/* The token [s, s+len) as the next value. */
static bool take(text_state *t, const char *s, size_t len, const char *where, nb_err *err)
{
    size_t idx = t->len + 1;
    if (len + 1 > t->tok_cap) {
        char *g = realloc(t->tok, len + 1);
        if (!g)
            return nb_fail(err, "%s: value %zu: out of memory for a %zu-character token", where,
                           idx, len);
        t->tok = g;
        t->tok_cap = len + 1;
    }
    memcpy(t->tok, s, len);
    t->tok[len] = '\0';
    if (memchr(s, '\0', len))
        return nb_fail(err, "%s: value %zu contains a NUL byte; give a text file of numbers",
                       where, idx);
    const char *more = len > 40 ? "..." : "";
    double x;
    nb_num_status st = nb_parse_decimal(t->tok, &x);
    if (st == NB_NUM_SYNTAX)
        return nb_fail(err, "%s: value %zu ('%.40s%s') is not a number; write decimal values "
                       "like -1.5 or 2e-3 separated by whitespace", where, idx, t->tok, more);
    if (st == NB_NUM_RANGE || !isfinite((float)x))
        return nb_fail(err, "%s: value %zu (%.40s%s) is beyond the float32 range (+-3.4e38)",
                       where, idx, t->tok, more);
    return push(t, (float)x, where, err);
}

bool nb_text_floats_parse(const char *text, size_t len, const char *where, float **out, size_t *n,
                          nb_err *err)
{
    *out = NULL;
    *n = 0;
    text_state t = {0};
    bool ok = true;
    size_t i = 0;
    while (ok && i < len) {
        while (i < len && is_space(text[i]))
            i++;
        size_t start = i;
        while (i < len && !is_space(text[i]))
            i++;
        if (i > start)
            ok = take(&t, text + start, i - start, where, err);
    }
    free(t.tok);
    if (ok && t.len == 0)
        ok = nb_fail(err, "%s: no numbers found; give whitespace-separated values", where);
    if (!ok) {
        free(t.v);
        return false;
    }
    *out = t.v;
    *n = t.len;
    return true;
}

bool nb_text_floats_read(const char *path, float **out, size_t *n, nb_err *err)
{
    *out = NULL;
    *n = 0;
    size_t len;
    char *text = nb_read_input(path, "input file", 0, &len, err);
    if (!text)
        return false;
    bool ok = nb_text_floats_parse(text, len, path, out, n, err);
    free(text);
    return ok;
}
