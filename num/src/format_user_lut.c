/* A user codebook: a text file of exactly 16 values, one per line, strictly
 * ascending, containing 0 ('#' starts a comment; blank lines are skipped).
 * Values are normalized to max |v| = 1 like the other lookup formats, and
 * code i is the i-th value. Lines have no length limit; the file must be a
 * regular file (lut:/dev/zero would never end) of at most 1 MB. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format_internal.h"
#include "nibble/input_file.h"
#include "nibble/parse.h"

#define USER_LUT_SIZE 16
#define USER_LUT_MAX_BYTES (1u << 20)

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* One line [s, e): strip the comment and surrounding blanks, then parse. */
static bool parse_line(const char *s, const char *e, const char *where, int line, double *v,
                       int *n, int *line_of, nb_err *err)
{
    const char *hash = memchr(s, '#', (size_t)(e - s));
    if (hash)
        e = hash;
    if (memchr(s, '\0', (size_t)(e - s)))
        return nb_fail(err, "codebook %s:%d: contains a NUL byte; a codebook is a text file",
                       where, line);
    while (s < e && is_blank(*s))
        s++;
    while (e > s && is_blank(e[-1]))
        e--;
    if (s == e)
        return true;
    size_t len = (size_t)(e - s);
    char *tok = malloc(len + 1);
    if (!tok)
        return nb_fail(err, "codebook %s:%d: out of memory for a %zu-byte line", where, line, len);
    memcpy(tok, s, len);
    tok[len] = '\0';
    double x = 0;
    nb_num_status st = nb_parse_decimal(tok, &x);
    bool ok = true;
    if (st != NB_NUM_OK)
        ok = nb_fail(err, "codebook %s:%d: '%.40s%s' is not a finite number (%s); write a decimal "
                     "like -0.5 or 1e-3", where, line, tok, len > 40 ? "..." : "",
                     nb_num_status_text(st));
    else if (*n == USER_LUT_SIZE)
        ok = nb_fail(err, "codebook %s:%d: more than %d values; a 4-bit codebook has exactly %d",
                     where, line, USER_LUT_SIZE, USER_LUT_SIZE);
    free(tok);
    if (!ok)
        return false;
    line_of[*n] = line;
    v[(*n)++] = x;
    return true;
}

bool nb_user_lut_parse(const char *text, size_t len, const char *where, double v[16], nb_err *err)
{
    int line_of[USER_LUT_SIZE];
    int n = 0, line = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        line++;
        if (!parse_line(p, le, where, line, v, &n, line_of, err))
            return false;
        p = nl ? nl + 1 : end;
    }
    if (n != USER_LUT_SIZE)
        return nb_fail(err, "codebook %s: found %d values; a 4-bit codebook has exactly %d", where,
                       n, USER_LUT_SIZE);
    bool has_zero = false;
    for (int i = 0; i < n; i++) {
        if (i > 0 && v[i] == v[i - 1])
            return nb_fail(err, "codebook %s:%d: duplicate value %g (also on line %d); values must "
                           "be distinct", where, line_of[i], v[i], line_of[i - 1]);
        if (i > 0 && v[i] < v[i - 1])
            return nb_fail(err, "codebook %s:%d: %g is below the previous value %g; list values in "
                           "ascending order", where, line_of[i], v[i], v[i - 1]);
        if (v[i] == 0)
            has_zero = true;
    }
    if (!has_zero)
        return nb_fail(err, "codebook %s: no value is 0; include 0 so zero groups and padding "
                       "are exact", where);
    return true;
}

void nb_build_user_lut_values(nb_format *f, const char *path, const double v[16])
{
    /* |v| <= max and 16 distinct values make max > 0: the ratios are finite */
    double max = fmax(fabs(v[0]), fabs(v[USER_LUT_SIZE - 1]));
    char name[NB_NAME_MAX], title[96];
    snprintf(name, sizeof name, "lut:%s", path);
    const char *base = strrchr(path, '/');
    snprintf(title, sizeof title, "user codebook (%.80s)", base ? base + 1 : path);
    nb_format_begin(f, name, title, NB_ENC_INDEX_LUT, 4);
    for (int c = 0; c < USER_LUT_SIZE; c++) {
        f->ideal[c] = v[c] / max;
        f->used[c] = true;
    }
    f->is_lookup = true;
}

bool nb_build_user_lut(nb_format *f, const char *path, nb_err *err)
{
    if (strlen(path) + 5 > NB_NAME_MAX)
        return nb_fail(err, "codebook path is longer than %d characters; use a shorter path",
                       NB_NAME_MAX - 5);
    /* the path becomes the format's name, which goes into Verilog comments,
     * JSON, Markdown tables and shell job lists: keep it printable */
    for (const unsigned char *c = (const unsigned char *)path; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return nb_fail(err, "codebook path contains a control character (byte 0x%02x); "
                           "rename the file", *c);
    size_t len;
    char *text = nb_read_input(path, "codebook", USER_LUT_MAX_BYTES, &len, err);
    if (!text)
        return false;
    double v[USER_LUT_SIZE];
    bool ok = nb_user_lut_parse(text, len, path, v, err);
    free(text);
    if (ok)
        nb_build_user_lut_values(f, path, v);
    return ok;
}
