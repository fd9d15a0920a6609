/* Reading .npy files written byte by byte here: versions, dtypes, shapes, names. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "io_bytes.h"
#include "nibble/tensor_io.h"
#include "test_support.h"

/* Writes b as DIR/filename in a fresh directory, so the basename is exactly `filename`. */
static void write_named(const bytes *b, const char *filename, char *path, size_t len)
{
    char dir[400];
    test_tmp_path(dir, sizeof dir, "npydir");
    cr_assert(mkdir(dir, 0700) == 0, "mkdir %s", dir);
    snprintf(path, len, "%s/%s", dir, filename);
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot create %s", path);
    cr_assert_eq(fwrite(b->p, 1, b->n, f), b->n);
    fclose(f);
}

static nb_tensor_list load_ok(const bytes *b, const char *filename, const char *select)
{
    char path[512];
    write_named(b, filename, path, sizeof path);
    nb_tensor_list l = {0};
    nb_err err = {{0}};
    cr_assert(nb_tensors_load(path, select, &l, &err), "load %s: %s", path, err.msg);
    return l;
}

Test(npy, v1_f4_matrix)
{
    bytes data = {0};
    for (int i = 0; i < 12; i++)
        b_f32(&data, (float)i - 5.5f);
    bytes f = npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", &data);
    cr_assert_eq(f.n, 128 + 48, "header padded to 128 bytes, then 48 data bytes");
    nb_tensor_list l = load_ok(&f, "weights.npy", NULL);
    cr_assert_eq(l.n, 1);
    nb_tensor *t = l.items;
    cr_expect_str_eq(t->name, "weights");
    cr_expect_str_eq(t->dtype, "F32");
    cr_expect(t->ndim == 2 && t->shape[0] == 3 && t->shape[1] == 4 && t->count == 12);
    for (int i = 0; i < 12; i++)
        cr_expect(t->data[i] == (float)i - 5.5f, "[%d] = %g", i, t->data[i]);
    nb_tensor_list_free(&l);
    b_free(&f);
    b_free(&data);
}

Test(npy, v2_f2_vector_with_double_quotes)
{
    bytes data = {0};
    const uint16_t h[3] = {0x3c00, 0x0400, 0xfc00};
    for (int i = 0; i < 3; i++)
        b_le16(&data, h[i]);
    bytes f = npy_file(2, "{\"descr\": \"<f2\", \"fortran_order\": False, \"shape\": (3,)}", &data);
    cr_assert_eq(f.p[6], 2);
    nb_tensor_list l = load_ok(&f, "h.v2.npy", NULL);
    cr_assert_eq(l.n, 1);
    nb_tensor *t = l.items;
    cr_expect_str_eq(t->name, "h.v2", "only the last extension is dropped");
    cr_expect_str_eq(t->dtype, "F16");
    cr_expect(t->ndim == 1 && t->count == 3);
    cr_expect(t->data[0] == 1.0f && (double)t->data[1] == ldexp(1, -14) &&
              t->data[2] == -INFINITY);
    nb_tensor_list_free(&l);
    b_free(&f);
    b_free(&data);
}

Test(npy, scalar_v3_and_key_order)
{
    bytes data = {0};
    b_f32(&data, -7.25f);
    bytes f = npy_file(3, "{'shape': (), 'fortran_order': False, 'descr': '<f4'}", &data);
    nb_tensor_list l = load_ok(&f, "s.npy", NULL);
    cr_assert_eq(l.n, 1);
    cr_expect(l.items[0].ndim == 0 && l.items[0].count == 1 && l.items[0].data[0] == -7.25f);
    nb_tensor_list_free(&l);
    b_free(&f);
    b_free(&data);
}

Test(npy, big_endian_python2_longs_and_fortran_vector)
{
    bytes data = {0};
    const unsigned char be[8] = {0x3f, 0x80, 0, 0, 0xc0, 0x20, 0, 0};   /* 1.0, -2.5 */
    b_put(&data, be, sizeof be);
    /* one dimension: Fortran and C order are the same bytes */
    bytes f = npy_file(1, "{'descr': '>f4', 'fortran_order': True, 'shape': (2L,), }", &data);
    nb_tensor_list l = load_ok(&f, "be.npy", NULL);
    cr_assert_eq(l.n, 1);
    cr_expect(l.items[0].data[0] == 1.0f && l.items[0].data[1] == -2.5f);
    nb_tensor_list_free(&l);
    b_free(&f);
    b_free(&data);
}

Test(npy, content_detection_and_selection)
{
    bytes data = {0};
    b_f32(&data, 1.0f);
    bytes f = npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", &data);
    nb_tensor_list l = load_ok(&f, "x.bin", "x*");
    cr_assert_eq(l.n, 1);
    cr_expect_str_eq(l.items[0].name, "x");
    nb_tensor_list_free(&l);

    nb_err err = {{0}};
    cr_assert(nb_tensors_load_mem(f.p, f.n, "dir/name.npy", "name", &l, &err), "%s", err.msg);
    cr_expect_str_eq(l.items[0].name, "name");
    nb_tensor_list_free(&l);
    cr_expect(!nb_tensors_load_mem(f.p, f.n, "dir/name.npy", "other", &l, &err));
    cr_expect(strstr(err.msg, "Available (1): name"), "%s", err.msg);
    cr_expect(l.n == 0 && l.items == NULL);
    b_free(&f);
    b_free(&data);
}
