/* JSON description of a format (for `nibble formats --json` and manifests). */
#ifndef NIBBLE_FORMAT_JSON_H
#define NIBBLE_FORMAT_JSON_H

#include <jansson.h>

#include "nibble/format.h"

const char *nb_encoding_name(nb_encoding e);
/* One-line human description of the encoding ("minifloat E2M1 bias 1, ..."). */
void nb_format_describe_encoding(const nb_format *f, char *buf, size_t len);
/* New reference; includes every code's value, mantissa and the grid. */
json_t *nb_format_to_json(const nb_format *f);

#endif
