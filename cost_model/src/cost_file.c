/* Whole-file reading with messages that name the file and its role. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost_file.h"

char *cost_read_file(const char *path, const char *what, size_t *len, nb_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return nb_fail(err, "cannot open %s file %s: %s", what, path, strerror(errno)), NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        char *g = realloc(buf, cap *= 2);
        if (!g)
            free(buf);
        buf = g;
    }
    bool bad = ferror(f);
    fclose(f);
    if (!buf)
        return nb_fail(err, "out of memory reading %s file %s", what, path), NULL;
    if (bad) {
        free(buf);
        return nb_fail(err, "cannot read %s file %s (is it a directory?)", what, path), NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}
