/* YAML scalars written so that any YAML reader gets back exactly the value. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "export_internal.h"

void yaml_string(FILE *f, const char *s)
{
    /* a JSON string is a valid YAML double-quoted scalar */
    json_t *j = json_string(s);
    char *text = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    fputs(text ? text : "\"\"", f);
    free(text);
    json_decref(j);
}

void yaml_number(FILE *f, double v)
{
    if (!isfinite(v)) {
        fputs("null", f);
        return;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%.9g", v);
    /* YAML 1.1 (PyYAML) reads "1e-05" and "2" as a string and an int */
    if (strchr(buf, 'e'))
        snprintf(buf, sizeof buf, "%.8e", v);
    else if (!strchr(buf, '.'))
        strncat(buf, ".0", sizeof buf - strlen(buf) - 1);
    fputs(buf, f);
}

void yaml_json_scalar(FILE *f, const json_t *v)
{
    if (json_is_string(v))
        yaml_string(f, json_string_value(v));
    else if (json_is_integer(v))
        fprintf(f, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        yaml_number(f, json_real_value(v));
    else if (json_is_true(v))
        fputs("true", f);
    else if (json_is_false(v))
        fputs("false", f);
    else
        fputs("null", f);
}

void export_ident(char *out, size_t len, const char *s)
{
    size_t n = 0;
    for (; *s && n + 1 < len; s++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        out[n++] = ok ? c : '_';
    }
    out[n] = '\0';
}
