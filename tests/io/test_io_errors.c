/* Bad input: every failure returns false, empties the list and explains itself. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_bytes.h"
#include "nibble/tensor_io.h"
#include "test_support.h"

/* Fails both from a file and from memory, with `needle` in the message. */
static void expect_fail(const bytes *b, const char *filename, const char *select,
                        const char *needle)
{
    char path[512];
    b_write_tmp(b, filename, path, sizeof path);
    nb_tensor_list l = {(nb_tensor *)1, 99};   /* garbage in: must come back empty */
    nb_err err = {{0}};
    cr_expect(!nb_tensors_load(path, select, &l, &err), "%s: loaded, want '%s'", filename,
              needle);
    cr_expect(l.items == NULL && l.n == 0, "%s: list not emptied", filename);
    cr_expect(strstr(err.msg, needle), "%s: message lacks '%s': %s", filename, needle, err.msg);
    cr_expect(strstr(err.msg, path), "%s: message lacks the path: %s", filename, err.msg);
    memset(&err, 0, sizeof err);
    cr_expect(!nb_tensors_load_mem(b->p, b->n, filename, select, &l, &err));
    cr_expect(strstr(err.msg, needle), "%s (memory): message lacks '%s': %s", filename, needle,
              err.msg);
}

static void st_fail(const char *json, size_t data_len, const char *needle)
{
    bytes data = {0};
    for (size_t i = 0; i < data_len; i++)
        b_put(&data, "\0", 1);
    bytes f = st_file(json, &data);
    expect_fail(&f, "bad.safetensors", NULL, needle);
    b_free(&f);
    b_free(&data);
}

static void npy_fail(int major, const char *dict, size_t data_len, const char *needle)
{
    bytes data = {0};
    for (size_t i = 0; i < data_len; i++)
        b_put(&data, "\0", 1);
    bytes f = npy_file(major, dict, &data);
    expect_fail(&f, "bad.npy", NULL, needle);
    b_free(&f);
    b_free(&data);
}

#define ENTRY(dtype, shape, offs) "{\"dtype\":" dtype ",\"shape\":" shape ",\"data_offsets\":" offs "}"

Test(io_errors, safetensors_header)
{
    st_fail("{\"a\": [1,}", 0, "invalid JSON");
    st_fail("{\"a\":" ENTRY("\"F32\"", "[1]", "[0,4]") ",\"a\":" ENTRY("\"F32\"", "[1]", "[4,8]") "}",
            8, "duplicate");
    st_fail("[1, 2]", 0, "not an object");
    st_fail("{\"a\": 3}", 0, "entry is not an object");
    st_fail("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "'dtype' is missing");
    st_fail("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "'shape' is missing");
    st_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "'data_offsets' is missing");
    st_fail("{\"a\":" ENTRY("7", "[1]", "[0,4]") "}", 4, "'dtype' is not a string");
    st_fail("{\"a\":" ENTRY("\"F32\"", "\"1\"", "[0,4]") "}", 4, "'shape' is not an array");
    st_fail("{\"a\":" ENTRY("\"F32\"", "[-1]", "[0,4]") "}", 4, "shape element 0");
    st_fail("{\"a\":" ENTRY("\"F32\"", "[1, 2.5]", "[0,4]") "}", 4, "shape element 1");
    st_fail("{\"a\":" ENTRY("\"F32\"", "[1,1,1,1,1,1,1,1,1]", "[0,4]") "}", 4, "9 dimensions");
    st_fail("{\"a\":" ENTRY("\"F32\"", "[4294967296,4294967296,16]", "[0,4]") "}", 4,
            "more elements than can be counted");
    st_fail("{\"a\":" ENTRY("\"F32\"", "[1]", "[0]") "}", 4, "'data_offsets' is not [begin, end]");
    st_fail("{\"a\":" ENTRY("\"F32\"", "[1]", "[0,-4]") "}", 4, "'data_offsets' is not");
    st_fail("{\"a\":" ENTRY("\"F32\"", "[0]", "[4,0]") "}", 4, "end before they begin");
    st_fail("{\"__metadata__\": {\"k\": 1}}", 0, "'__metadata__' value for 'k'");
    st_fail("{\"__metadata__\": [1]}", 0, "'__metadata__' in the header is not an object");
}

Test(io_errors, safetensors_data)
{
    /* header claims data beyond the file */
    st_fail("{\"a\":" ENTRY("\"F32\"", "[100]", "[0,400]") "}", 8, "reach past the data buffer");
    /* size mismatch */
    st_fail("{\"a\":" ENTRY("\"F32\"", "[3]", "[0,8]") "}", 8, "needs 12 bytes");
    st_fail("{\"a\":" ENTRY("\"BF16\"", "[2,2]", "[0,4]") "}", 8, "needs 8 bytes");
    st_fail("{\"a\":" ENTRY("\"F32\"", "[2]", "[0,8]") ",\"b\":" ENTRY("\"F32\"", "[1]", "[4,8]") "}",
            8, "overlap");
    /* unsupported dtype: named, with the supported list */
    st_fail("{\"a\":" ENTRY("\"I8\"", "[4]", "[0,4]") "}", 4, "dtype I8");
    st_fail("{\"a\":" ENTRY("\"I8\"", "[4]", "[0,4]") "}", 4, "F32, F16, BF16");
    st_fail("{\"a\":" ENTRY("\"Q4_K\"", "[4]", "[0,4]") "}", 4, "Q4_K");
}

Test(io_errors, safetensors_header_length)
{
    bytes f = {0};
    b_le64(&f, 1000);
    b_str(&f, "{\"a\":" ENTRY("\"F32\"", "[1]", "[0,4]") "}");
    expect_fail(&f, "len.safetensors", NULL, "header length 1000");
    b_free(&f);
    b_le64(&f, UINT64_MAX);
    b_str(&f, "{}");
    expect_fail(&f, "huge.safetensors", NULL, "runs past the end");
    b_free(&f);
    b_le64(&f, 0);
    expect_fail(&f, "zero.safetensors", NULL, "header length is 0");
    b_free(&f);
    b_put(&f, "\x02\0\0", 3);
    expect_fail(&f, "short.safetensors", NULL, "too short");
    b_free(&f);
}

Test(io_errors, safetensors_limits)
{
    /* a header above the 100 MB cap, in a sparse file big enough to hold it */
    bytes f = {0};
    b_le64(&f, 200000000);
    b_str(&f, "{}");
    char path[512];
    b_write_tmp(&f, "big.safetensors", path, sizeof path);
    cr_assert_eq(truncate(path, 200000008), 0, "truncate %s", path);
    nb_tensor_list l = {0};
    nb_err err = {{0}};
    cr_expect(!nb_tensors_load(path, NULL, &l, &err));
    cr_expect(strstr(err.msg, "exceeds the 100000000-byte limit"), "%s", err.msg);
    cr_assert_eq(unlink(path), 0);
    b_free(&f);

    char json[600], name[301];
    memset(name, 'n', 300);
    name[300] = '\0';
    snprintf(json, sizeof json, "{\"%s\":" ENTRY("\"F32\"", "[1]", "[0,4]") "}", name);
    st_fail(json, 4, "is 300 bytes long");
}

/* A valid two-tensor file; used for missing names and truncation. */
static bytes small_st(void)
{
    bytes data = {0};
    for (int i = 0; i < 3; i++)
        b_f32(&data, (float)i);
    bytes f = st_file("{\"w\":" ENTRY("\"F32\"", "[2]", "[0,8]") ",\"v\":" ENTRY("\"F16\"", "[2]",
                      "[8,12]") "}",
                      &data);
    b_free(&data);
    return f;
}

Test(io_errors, missing_tensor_lists_available)
{
    bytes f = small_st();
    expect_fail(&f, "m.safetensors", "x", "no tensor matches 'x'");
    expect_fail(&f, "m.safetensors", "x", "Available (2): w, v");
    /* each pattern must match: a typo next to a good name still fails */
    expect_fail(&f, "m.safetensors", "w,vv*", "no tensor matches 'vv*'");
    expect_fail(&f, "m.safetensors", " , ", "names no tensor");
    b_free(&f);

    /* long files show the first 20 names and how many more */
    bytes data = {0}, json = {0};
    b_str(&json, "{");
    for (int i = 0; i < 25; i++) {
        char e[160];
        snprintf(e, sizeof e, "%s\"t%02d\":" ENTRY("\"F32\"", "[1]", "[%d,%d]"), i ? "," : "", i,
                 4 * i, 4 * i + 4);
        b_str(&json, e);
        b_f32(&data, 0);
    }
    b_str(&json, "}");
    b_put(&json, "", 1);
    f = st_file((const char *)json.p, &data);
    expect_fail(&f, "many.safetensors", "layer.*", "t00, t01");
    expect_fail(&f, "many.safetensors", "layer.*", "t19, ... (5 more)");
    b_free(&f);
    b_free(&data);
    b_free(&json);
}

Test(io_errors, every_prefix_fails_cleanly)
{
    bytes st = small_st();
    bytes data = {0};
    for (int i = 0; i < 6; i++)
        b_f32(&data, (float)i);
    bytes npy = npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", &data);
    const bytes *files[2] = {&st, &npy};
    const char *names[2] = {"p.safetensors", "p.npy"};
    for (int k = 0; k < 2; k++) {
        nb_tensor_list l = {0};
        nb_err err = {{0}};
        cr_assert(nb_tensors_load_mem(files[k]->p, files[k]->n, names[k], NULL, &l, &err),
                  "%s whole: %s", names[k], err.msg);
        nb_tensor_list_free(&l);
        for (size_t n = 0; n < files[k]->n; n++) {
            memset(&err, 0, sizeof err);
            cr_assert(!nb_tensors_load_mem(files[k]->p, n, names[k], NULL, &l, &err),
                      "%s: prefix of %zu bytes loaded", names[k], n);
            cr_assert(l.n == 0 && l.items == NULL);
            cr_assert(err.msg[0], "%s: prefix of %zu bytes: no message", names[k], n);
            /* from disk too, where reads go through the file */
            bytes p = {0};
            b_put(&p, files[k]->p, n);
            char path[512];
            b_write_tmp(&p, names[k], path, sizeof path);
            cr_assert(!nb_tensors_load(path, NULL, &l, &err), "%s: file prefix %zu", names[k], n);
            b_free(&p);
        }
    }
    b_free(&st);
    b_free(&npy);
    b_free(&data);
}

Test(io_errors, npy)
{
    const char *ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    npy_fail(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24,
             "fortran_order is True");
    npy_fail(1, ok, 20, "needs 24 data bytes but the file has 20");
    npy_fail(1, ok, 28, "trailing bytes");
    npy_fail(2, ok, 0, "truncated");
    npy_fail(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", 24, "'<i4'");
    npy_fail(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", 8,
             "structured dtypes");
    npy_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6), }", 24, "(3,)");
    npy_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-6,), }", 24,
             "non-negative integer");
    npy_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", 24,
             "one of 'descr'");
    npy_fail(1, "{'descr': '<f4', 'descr': '<f4', 'shape': (2, 3), }", 24, "each key once");
    npy_fail(1, "{'descr': '<f4', 'shape': (2, 3), }", 24, "lacks the 'fortran_order' key");
    npy_fail(1, "{'descr': '<f4', 'fortran_order': false, 'shape': (6,), }", 24, "True or False");
    npy_fail(1, "{'descr': '<f4' 'fortran_order': False, 'shape': (6,), }", 24, "',' or '}'");
    npy_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), } x", 24, "only padding");
    npy_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", 0,
             "below 2^63");
    npy_fail(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296)}",
             0, "more elements than can be counted");
}

Test(io_errors, npy_container)
{
    bytes data = {0};
    for (int i = 0; i < 6; i++)
        b_f32(&data, 0);
    bytes f = npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", &data);
    f.p[0] = 0x92;
    expect_fail(&f, "magic.npy", NULL, "bad magic");
    f.p[0] = 0x93;
    f.p[6] = 4;
    expect_fail(&f, "version.npy", NULL, "version 4.0");
    f.p[6] = 1;
    f.p[8] = 0xff;   /* header length 0x..ff > file */
    f.p[9] = 0x7f;
    expect_fail(&f, "hlen.npy", NULL, "runs past the end");
    b_free(&f);
    b_free(&data);
}

Test(io_errors, not_a_tensor_file)
{
    bytes f = {0};
    b_str(&f, "hello, world: just text\n");
    expect_fail(&f, "notes.txt", NULL, "not a .safetensors or .npy file");
    b_free(&f);
    expect_fail(&f, "empty.bin", NULL, "not a .safetensors or .npy file");

    nb_tensor_list l = {0};
    nb_err err = {{0}};
    cr_expect(!nb_tensors_load("/nonexistent/dir/x.safetensors", NULL, &l, &err));
    cr_expect(strstr(err.msg, "cannot open"), "%s", err.msg);
    const char *dir = getenv("NIBBLE_TEST_TMP");
    cr_expect(!nb_tensors_load(dir ? dir : "/tmp", NULL, &l, &err));
    cr_expect(strstr(err.msg, "is a directory; give a regular file"), "%s", err.msg);
    /* a device would never end: refused without reading */
    cr_expect(!nb_tensors_load("/dev/zero", NULL, &l, &err));
    cr_expect(strstr(err.msg, "/dev/zero is a character device"), "%s", err.msg);
}
