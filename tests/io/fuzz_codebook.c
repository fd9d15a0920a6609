/* libFuzzer entry: any bytes as a codebook file (lut:PATH), parsed and, when
 * accepted, built into a format like nb_format_parse does. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1); /* no NUL after it: overreads are caught */
    if (!text)
        return 0;
    memcpy(text, data, size);
    double v[16];
    nb_err err;
    err.msg[0] = '\0';
    if (nb_user_lut_parse(text, size, "fuzz.txt", v, &err)) {
        bool zero = false;
        for (int i = 0; i < 16; i++) {
            if (!isfinite(v[i]) || (i > 0 && !(v[i] > v[i - 1])))
                abort(); /* accepted values are finite and strictly ascending */
            zero |= v[i] == 0;
        }
        if (!zero)
            abort();
        nb_format f;
        nb_format_opts o = nb_format_opts_default();
        nb_build_user_lut_values(&f, "fuzz.txt", v);
        (void)nb_format_finish(&f, &o, &err); /* may refuse values the ROM grid merges */
    } else if (!err.msg[0]) {
        abort();
    }
    free(text);
    return 0;
}
