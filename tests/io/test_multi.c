/* Loading a selection across several files: a pattern must match somewhere. */
#include <criterion/criterion.h>
#include <string.h>

#include "io_bytes.h"
#include "nibble/tensor_io.h"

static void two_files(char *st_path, char *npy_path, size_t len)
{
    bytes data = {0};
    for (int i = 0; i < 6; i++)
        b_f32(&data, (float)i);
    bytes st = st_file("{\"a.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                       "\"b.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}",
                       &data);
    bytes nd = {0};
    b_f32(&nd, 1.5f);
    b_f32(&nd, -2.0f);
    bytes np = npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", &nd);
    b_write_tmp(&st, "multi.safetensors", st_path, len);
    b_write_tmp(&np, "proj.npy", npy_path, len);
    b_free(&data);
    b_free(&st);
    b_free(&nd);
    b_free(&np);
}

Test(multi, selection_spans_files)
{
    char a[4096], b[4096];
    two_files(a, b, sizeof a);
    const char *paths[] = {a, b};
    nb_tensor_list l = {0};
    nb_err err;
    cr_assert(nb_tensors_load_files(paths, 2, "*.weight,*proj", &l, &err), "%s", err.msg);
    cr_assert_eq(l.n, 2);
    cr_expect_str_eq(l.items[0].name, "a.weight");
    /* a .npy tensor is named after its file (the test prefixes it) */
    cr_expect(strstr(l.items[1].name, "proj") != NULL, "%s", l.items[1].name);
    cr_expect_float_eq(l.items[1].data[1], -2.0f, 0);
    nb_tensor_list_free(&l);
    /* everything from both files */
    cr_assert(nb_tensors_load_files(paths, 2, NULL, &l, &err), "%s", err.msg);
    cr_expect_eq(l.n, 3);
    nb_tensor_list_free(&l);
}

Test(multi, a_pattern_matching_nowhere_fails_and_returns_nothing)
{
    char a[4096], b[4096];
    two_files(a, b, sizeof a);
    const char *paths[] = {a, b};
    nb_tensor_list l = {0};
    nb_err err;
    cr_expect_not(nb_tensors_load_files(paths, 2, "*proj,missing*", &l, &err));
    cr_expect(strstr(err.msg, "'missing*'") != NULL, "%s", err.msg);
    cr_expect_eq(l.n, 0);
    cr_expect_null(l.items);
    /* a damaged second file fails the whole load */
    const char *bad[] = {a, "/nonexistent/x.npy"};
    cr_expect_not(nb_tensors_load_files(bad, 2, NULL, &l, &err));
    cr_expect(strstr(err.msg, "/nonexistent/x.npy") != NULL, "%s", err.msg);
    cr_expect_eq(l.n, 0);
}
