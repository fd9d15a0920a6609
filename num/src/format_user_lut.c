/* A user codebook: a text file of exactly 16 values, one per line, strictly
 * ascending, containing 0 ('#' starts a comment; blank lines are skipped).
 * Values are normalized to max |v| = 1 like the other lookup formats, and
 * code i is the i-th value. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format_internal.h"

#define USER_LUT_SIZE 16

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
        *--end = '\0';
    return s;
}

bool nb_build_user_lut(nb_format *f, const char *path, nb_err *err)
{
    if (strlen(path) + 5 > NB_NAME_MAX)
        return nb_fail(err, "codebook path is longer than %d characters; use a shorter path",
                       NB_NAME_MAX - 5);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return nb_fail(err, "codebook %s: cannot open (%s); give a text file of 16 values",
                       path, strerror(errno));
    double v[USER_LUT_SIZE];
    int line_of[USER_LUT_SIZE];
    int n = 0, line = 0;
    char buf[512];
    bool ok = true;
    while (ok && fgets(buf, sizeof buf, fp)) {
        line++;
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(buf);
        if (!*s)
            continue;
        char *end;
        errno = 0;
        double x = strtod(s, &end);
        if (end == s || *trim(end) != '\0' || errno == ERANGE || !isfinite(x)) {
            ok = nb_fail(err, "codebook %s:%d: '%s' is not a finite number", path, line, s);
            break;
        }
        if (n == USER_LUT_SIZE) {
            ok = nb_fail(err, "codebook %s:%d: more than %d values; a 4-bit codebook has exactly %d",
                         path, line, USER_LUT_SIZE, USER_LUT_SIZE);
            break;
        }
        line_of[n] = line;
        v[n++] = x;
    }
    fclose(fp);
    if (!ok)
        return false;
    if (n != USER_LUT_SIZE)
        return nb_fail(err, "codebook %s: found %d values; a 4-bit codebook has exactly %d", path,
                       n, USER_LUT_SIZE);
    bool has_zero = false;
    for (int i = 0; i < n; i++) {
        if (i > 0 && v[i] == v[i - 1])
            return nb_fail(err, "codebook %s:%d: duplicate value %g (also on line %d); values must "
                           "be distinct", path, line_of[i], v[i], line_of[i - 1]);
        if (i > 0 && v[i] < v[i - 1])
            return nb_fail(err, "codebook %s:%d: %g is below the previous value %g; list values in "
                           "ascending order", path, line_of[i], v[i], v[i - 1]);
        if (v[i] == 0)
            has_zero = true;
    }
    if (!has_zero)
        return nb_fail(err, "codebook %s: no value is 0; include 0 so zero groups and padding "
                       "are exact", path);
    double max = fmax(fabs(v[0]), fabs(v[n - 1]));
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
    return true;
}
