/* libFuzzer entry: any bytes as the text of quantize --input. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/text_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy with no NUL after it: ASan catches any read past the end */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    float *v;
    size_t n;
    nb_err err;
    if (nb_text_floats_parse(text, size, "fuzz", &v, &n, &err)) {
        if (n == 0 || n > size)
            abort(); /* every value needs at least one byte */
        for (size_t i = 0; i < n; i++)
            if (!isfinite(v[i]))
                abort(); /* the reader promises finite float32 values */
        free(v);
    } else if (v != NULL || !err.msg[0]) {
        abort(); /* a failure leaves no array and always says why */
    }
    free(text);
    return 0;
}
