/* @KEY@ template filling for tool scripts. */
#include <stdlib.h>
#include <string.h>

#include "nibble/files.h"
#include "nibble/template.h"

bool nb_fill_template(const char *template_path, const char *const *keys, const char *const *values,
                      int n, const char *out_path, nb_err *err)
{
    char *t = nb_read_file(template_path, NULL, err);
    if (!t)
        return false;
    size_t cap = strlen(t) * 2 + 4096, len = 0;
    for (int i = 0; i < n; i++)
        cap += strlen(values[i]) * 4;
    char *out = malloc(cap);
    if (!out) {
        free(t);
        return nb_fail(err, "out of memory");
    }
    bool ok = true;
    for (const char *p = t; *p && ok;) {
        const char *end = *p == '@' ? strchr(p + 1, '@') : NULL;
        if (!end || end - p > 40 || end == p + 1) {
            out[len++] = *p++;
            continue;
        }
        int hit = -1;
        for (int i = 0; i < n; i++)
            if (strlen(keys[i]) == (size_t)(end - p - 1) && strncmp(keys[i], p + 1, (size_t)(end - p - 1)) == 0)
                hit = i;
        if (hit < 0) {
            ok = nb_fail(err, "template %s: no value for %.*s", template_path, (int)(end - p + 1), p);
            break;
        }
        size_t vl = strlen(values[hit]);
        if (len + vl + 1 >= cap) {
            ok = nb_fail(err, "template %s: expansion too large", template_path);
            break;
        }
        memcpy(out + len, values[hit], vl);
        len += vl;
        p = end + 1;
    }
    out[len] = '\0';
    ok = ok && nb_write_file(out_path, out, len, err);
    free(out);
    free(t);
    return ok;
}
