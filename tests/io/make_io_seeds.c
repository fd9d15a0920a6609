/* Writes a few small valid .safetensors and .npy files into the directory given as argv[1],
 * as the fuzzer's seed corpus. */
#include <stdio.h>
#include <string.h>

#include "io_bytes.h"

static int put(const char *dir, const char *name, const bytes *b)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->p, 1, b->n, f) != b->n || fclose(f) != 0) {
        fprintf(stderr, "make_io_seeds: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_io_seeds DIR\n");
        return 2;
    }
    int bad = 0;
    bytes data = {0};
    for (int i = 0; i < 6; i++)
        b_f32(&data, (float)i - 2.5f);
    b_le16(&data, 0x3c00);
    b_le16(&data, 0x7e00);
    b_le16(&data, 0x3f80);
    b_le16(&data, 0xff80);
    bytes st = st_file("{\"__metadata__\":{\"format\":\"pt\"},"
                       "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                       "\"b\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[24,28]},"
                       "\"z\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[28,30]},"
                       "\"e\":{\"dtype\":\"F64\",\"shape\":[0],\"data_offsets\":[32,32]}}",
                       &data);
    bad |= put(argv[1], "seed.safetensors", &st);
    bytes f4 = {0}, f2 = {0};
    b_put(&f4, data.p, 24);
    b_put(&f2, data.p + 24, 4);
    bytes n1 = npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", &f4);
    bytes n2 = npy_file(2, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", &f2);
    bytes n3 = npy_file(3, "{'descr': '>f4', 'fortran_order': False, 'shape': (), }", &f2);
    bad |= put(argv[1], "seed1.npy", &n1);
    bad |= put(argv[1], "seed2.npy", &n2);
    bad |= put(argv[1], "seed3.npy", &n3);
    b_free(&data);
    b_free(&st);
    b_free(&f4);
    b_free(&f2);
    b_free(&n1);
    b_free(&n2);
    b_free(&n3);
    return bad;
}
