/* Integer formats: two's complement int4/int8 and unsigned uint4 (post-ReLU). */
#include <string.h>

#include "format_internal.h"

bool nb_build_int(nb_format *f, const char *variant, nb_err *err)
{
    /* symmetric: the most negative code is decodable but never emitted, so the
     * scale is absmax / (2^(b-1) - 1) as in the paper's quantizer. */
    bool symmetric = true;
    int bits = 4;
    bool is_unsigned = false;
    const char *title;
    if (strcmp(variant, "int4") == 0) {
        title = "INT4 (symmetric -7..7)";
    } else if (strcmp(variant, "int4-full") == 0) {
        symmetric = false;
        title = "INT4 full range (-8..7)";
    } else if (strcmp(variant, "int8") == 0) {
        bits = 8;
        title = "INT8 (symmetric -127..127)";
    } else if (strcmp(variant, "uint4") == 0) {
        is_unsigned = true;
        title = "UINT4 (0..15, post-ReLU)";
    } else if (strcmp(variant, "overq") == 0) {
        is_unsigned = true;
        title = "OverQ slots (uint4 nibble + tag, post-ReLU activations)";
    } else {
        return nb_fail(err, "internal: unknown integer format %s", variant);
    }
    nb_format_begin(f, variant, title, is_unsigned ? NB_ENC_UNSIGNED : NB_ENC_TWOS, bits);
    for (int c = 0; c < f->num_codes; c++) {
        int v = c;
        if (!is_unsigned && c >= f->num_codes / 2)
            v = c - f->num_codes;
        f->ideal[c] = v;
        f->used[c] = !(symmetric && !is_unsigned && c == f->num_codes / 2);
    }
    f->supports_rne = true;
    f->is_overq = strcmp(variant, "overq") == 0;
    return true;
}
