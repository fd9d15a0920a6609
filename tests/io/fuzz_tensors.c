/* libFuzzer entry: any bytes, as either format, with and without a selection. */
#include <stddef.h>
#include <stdint.h>

#include "nibble/tensor_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The name's extension steers which reader explains inputs without a clear magic. */
    static const char *const names[] = {"fuzz.safetensors", "fuzz.npy", "fuzz"};
    static const char *const selects[] = {NULL, "fuzz", "a,b*,[x-z]?"};
    for (int i = 0; i < 3; i++) {
        nb_tensor_list l = {0};
        nb_err err;
        if (nb_tensors_load_mem(data, size, names[i], selects[i], &l, &err)) {
            /* touch every value so ASan sees any bad buffer */
            volatile float sink = 0;
            for (int t = 0; t < l.n; t++)
                for (size_t k = 0; k < l.items[t].count; k++)
                    sink += l.items[t].data[k];
            (void)sink;
        }
        nb_tensor_list_free(&l);
    }
    return 0;
}
