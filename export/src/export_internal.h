/* Pieces shared by the exporters. */
#ifndef NIBBLE_EXPORT_INTERNAL_H
#define NIBBLE_EXPORT_INTERNAL_H

#include <jansson.h>
#include <stdio.h>

/* A YAML string scalar: double-quoted with JSON escapes, which YAML reads as is. */
void yaml_string(FILE *f, const char *s);
/* A YAML float every YAML 1.1 reader (PyYAML) types as a float: always a
 * decimal point, a signed exponent when there is one; null if not finite. */
void yaml_number(FILE *f, double v);
/* A JSON scalar (string, number, boolean, null) as YAML. */
void yaml_json_scalar(FILE *f, const json_t *v);
/* s with every character outside [A-Za-z0-9_] replaced by '_' (for names). */
void export_ident(char *out, size_t len, const char *s);

#endif
