/* Reading .safetensors written byte by byte here: values, order, dtypes, selection. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io_bytes.h"
#include "nibble/tensor_io.h"

static nb_tensor_list load_ok(const bytes *b, const char *select)
{
    char path[512];
    b_write_tmp(b, "t.safetensors", path, sizeof path);
    nb_tensor_list l = {0};
    nb_err err = {{0}};
    cr_assert(nb_tensors_load(path, select, &l, &err), "load %s: %s", path, err.msg);
    return l;
}

static uint32_t bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

Test(safetensors, f32_round_trip_in_offset_order)
{
    const float b_vals[6] = {1.5f, -2.25f, 0.0f, 3.0e38f, -1.0e-45f, 1.0f / 3};
    const float a_vals[4] = {-0.0f, 65504.0f, 7.0f, NAN};
    bytes data = {0};
    for (int i = 0; i < 6; i++)
        b_f32(&data, b_vals[i]);
    for (int i = 0; i < 4; i++)
        b_f32(&data, a_vals[i]);
    /* "a" comes first in the JSON but second in the data: data order wins */
    bytes f = st_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[24,40]},"
                      "\"__metadata__\":{\"format\":\"pt\"},"
                      "\"b\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}",
                      &data);
    nb_tensor_list l = load_ok(&f, NULL);
    cr_assert_eq(l.n, 2);
    nb_tensor *b = &l.items[0], *a = &l.items[1];
    cr_expect_str_eq(b->name, "b");
    cr_expect_str_eq(a->name, "a");
    cr_expect_str_eq(b->dtype, "F32");
    cr_expect(b->ndim == 2 && b->shape[0] == 2 && b->shape[1] == 3 && b->count == 6);
    cr_expect(a->ndim == 1 && a->shape[0] == 4 && a->count == 4);
    for (int i = 0; i < 6; i++)
        cr_expect_eq(bits(b->data[i]), bits(b_vals[i]), "b[%d]", i);
    for (int i = 0; i < 4; i++)
        cr_expect_eq(bits(a->data[i]), bits(a_vals[i]), "a[%d]", i);
    nb_tensor_list_free(&l);
    cr_expect(l.items == NULL && l.n == 0);
    b_free(&f);
    b_free(&data);
}

Test(safetensors, f16_bf16_f64_scalar_and_empty)
{
    bytes data = {0};
    const uint16_t h[4] = {0x3c00, 0xc000, 0x0001, 0x7c00};
    const uint16_t bf[2] = {0x3f80, 0xc040};
    for (int i = 0; i < 4; i++)
        b_le16(&data, h[i]);                         /* bytes 0..8 */
    for (int i = 0; i < 2; i++)
        b_le16(&data, bf[i]);                        /* 8..12 */
    double d = -0.1;
    uint64_t du;
    memcpy(&du, &d, sizeof du);
    b_le64(&data, du);                               /* 12..20 */
    b_f32(&data, 42.0f);                             /* 20..24, scalar */
    bytes f = st_file("{\"h\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,8]},"
                      "\"bf\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]},"
                      "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[12,20]},"
                      "\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[20,24]},"
                      "\"e\":{\"dtype\":\"F32\",\"shape\":[3,0],\"data_offsets\":[24,24]}}  ",
                      &data);
    nb_tensor_list l = load_ok(&f, NULL);
    cr_assert_eq(l.n, 5);
    const char *order[] = {"h", "bf", "d", "s", "e"};
    for (int i = 0; i < 5; i++)
        cr_expect_str_eq(l.items[i].name, order[i]);
    nb_tensor *t = l.items;
    cr_expect_str_eq(t[0].dtype, "F16");
    cr_expect(t[0].data[0] == 1.0f && t[0].data[1] == -2.0f);
    cr_expect((double)t[0].data[2] == ldexp(1, -24) && t[0].data[3] == INFINITY);
    cr_expect_str_eq(t[1].dtype, "BF16");
    cr_expect(t[1].data[0] == 1.0f && t[1].data[1] == -3.0f);
    cr_expect_str_eq(t[2].dtype, "F64");
    cr_expect(t[2].data[0] == (float)-0.1);
    cr_expect(t[3].ndim == 0 && t[3].count == 1 && t[3].data[0] == 42.0f);
    cr_expect(t[4].ndim == 2 && t[4].count == 0 && t[4].data != NULL);
    nb_tensor_list_free(&l);
    b_free(&f);
    b_free(&data);
}

/* Four tensors of one float each, in this data order. */
static bytes layered_file(void)
{
    bytes data = {0};
    for (int i = 0; i < 4; i++)
        b_f32(&data, (float)i);
    bytes f = st_file("{\"embed\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                      "\"layers.0.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                      "\"layers.0.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                      "\"layers.1.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}",
                      &data);
    b_free(&data);
    return f;
}

static void expect_names(const nb_tensor_list *l, const char *const *want, int n)
{
    cr_assert_eq(l->n, n, "got %d tensors, want %d", l->n, n);
    for (int i = 0; i < n; i++)
        cr_expect_str_eq(l->items[i].name, want[i]);
}

Test(safetensors, selection_by_names_and_globs)
{
    bytes f = layered_file();
    nb_tensor_list l = load_ok(&f, "layers.*.weight");
    const char *w[] = {"layers.0.weight", "layers.1.weight"};
    expect_names(&l, w, 2);
    cr_expect(l.items[0].data[0] == 1.0f && l.items[1].data[0] == 3.0f);
    nb_tensor_list_free(&l);

    /* a list, with spaces, comes back in file order, not selection order */
    l = load_ok(&f, "layers.0.bias, embed");
    const char *nb[] = {"embed", "layers.0.bias"};
    expect_names(&l, nb, 2);
    nb_tensor_list_free(&l);

    /* overlapping patterns select a tensor once */
    l = load_ok(&f, "*,embed,layers.?.bias");
    const char *all[] = {"embed", "layers.0.weight", "layers.0.bias", "layers.1.weight"};
    expect_names(&l, all, 4);
    nb_tensor_list_free(&l);

    l = load_ok(&f, NULL);
    expect_names(&l, all, 4);
    nb_tensor_list_free(&l);
    b_free(&f);
}

Test(safetensors, memory_and_content_detection)
{
    bytes f = layered_file();
    nb_tensor_list l = {0};
    nb_err err = {{0}};
    cr_assert(nb_tensors_load_mem(f.p, f.n, "buffer", "embed", &l, &err), "%s", err.msg);
    cr_assert_eq(l.n, 1);
    cr_expect(l.items[0].data[0] == 0.0f);
    nb_tensor_list_free(&l);
    /* no telling extension: the JSON after 8 length bytes identifies it */
    char path[512];
    b_write_tmp(&f, "model.bin", path, sizeof path);
    cr_assert(nb_tensors_load(path, NULL, &l, &err), "%s", err.msg);
    cr_expect_eq(l.n, 4);
    nb_tensor_list_free(&l);
    b_free(&f);
}

Test(safetensors, empty_header_is_no_tensors)
{
    bytes f = st_file("{}", NULL);
    nb_tensor_list l = load_ok(&f, NULL);
    cr_expect_eq(l.n, 0);
    nb_tensor_list_free(&l);
    b_free(&f);
}

Test(safetensors, unselected_integer_tensor_is_fine)
{
    bytes data = {0};
    b_f32(&data, 2.0f);
    b_le64(&data, 7);
    bytes f = st_file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                      "\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[4,12]}}",
                      &data);
    nb_tensor_list l = load_ok(&f, "w");
    cr_assert_eq(l.n, 1);
    cr_expect(l.items[0].data[0] == 2.0f);
    nb_tensor_list_free(&l);
    b_free(&f);
    b_free(&data);
}
