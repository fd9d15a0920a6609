/* The JSON header of a .safetensors file, checked entry by entry before any data is read. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "io_internal.h"

#define CORRUPT "the header is corrupt; re-export the file (e.g. safetensors.torch.save_file)"

/* A non-negative JSON integer, or false. */
static bool get_uint(const json_t *v, int64_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return false;
    *out = (int64_t)json_integer_value(v);
    return true;
}

static bool check_metadata(const json_t *meta, const char *what, nb_err *err)
{
    if (!json_is_object(meta))
        return nb_fail(err, "%s: '__metadata__' in the header is not an object of strings; " CORRUPT,
                       what);
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)meta, key, v)
        if (!json_is_string(v))
            return nb_fail(err, "%s: '__metadata__' value for '%s' is not a string; " CORRUPT,
                           what, key);
    return true;
}

static bool parse_shape(const json_t *shape, nb_st_entry *e, const char *what, nb_err *err)
{
    if (!json_is_array(shape))
        return nb_fail(err, "%s: tensor '%s': 'shape' is not an array of integers; " CORRUPT,
                       what, e->name);
    size_t nd = json_array_size(shape);
    if (nd > NB_TENSOR_MAX_DIMS)
        return nb_fail(err,
                       "%s: tensor '%s' has %zu dimensions; at most %d are supported (reshape it "
                       "before exporting)",
                       what, e->name, nd, NB_TENSOR_MAX_DIMS);
    e->ndim = (int)nd;
    for (size_t i = 0; i < nd; i++)
        if (!get_uint(json_array_get(shape, i), &e->shape[i]))
            return nb_fail(err,
                           "%s: tensor '%s': shape element %zu is not a non-negative integer; "
                           CORRUPT,
                           what, e->name, i);
    return true;
}

static bool parse_entry(const char *name, const json_t *v, uint64_t data_len, const char *what,
                        nb_st_entry *e, nb_err *err)
{
    memset(e, 0, sizeof *e);
    if (strlen(name) >= sizeof e->name)
        return nb_fail(err, "%s: tensor name '%.40s...' is %zu bytes long; at most %zu are "
                            "supported (rename the tensor)",
                       what, name, strlen(name), sizeof e->name - 1);
    strcpy(e->name, name);
    if (!json_is_object(v))
        return nb_fail(err, "%s: tensor '%s': entry is not an object with dtype, shape and "
                            "data_offsets; " CORRUPT,
                       what, name);
    const json_t *dtype = json_object_get(v, "dtype");
    const json_t *shape = json_object_get(v, "shape");
    const json_t *offs = json_object_get(v, "data_offsets");
    const char *missing = !dtype ? "dtype" : !shape ? "shape" : !offs ? "data_offsets" : NULL;
    if (missing)
        return nb_fail(err, "%s: tensor '%s': key '%s' is missing; " CORRUPT, what, name,
                       missing);
    if (!json_is_string(dtype))
        return nb_fail(err, "%s: tensor '%s': 'dtype' is not a string; " CORRUPT, what, name);
    const char *dt = json_string_value(dtype);
    if (strlen(dt) >= sizeof e->dtype)
        return nb_fail(err, "%s: tensor '%s': dtype '%.20s...' is not a known type (supported: "
                            NB_SUPPORTED_DTYPES "); " CORRUPT,
                       what, name, dt);
    strcpy(e->dtype, dt);
    if (!parse_shape(shape, e, what, err))
        return false;
    int64_t b, en;
    if (!json_is_array(offs) || json_array_size(offs) != 2 ||
        !get_uint(json_array_get(offs, 0), &b) || !get_uint(json_array_get(offs, 1), &en))
        return nb_fail(err, "%s: tensor '%s': 'data_offsets' is not [begin, end] with "
                            "non-negative integers; " CORRUPT,
                       what, name);
    e->begin = (uint64_t)b;
    e->end = (uint64_t)en;
    if (e->end < e->begin)
        return nb_fail(err, "%s: tensor '%s': data_offsets [%llu, %llu] end before they begin; "
                            CORRUPT,
                       what, name, (unsigned long long)e->begin, (unsigned long long)e->end);
    if (e->end > data_len)
        return nb_fail(err,
                       "%s: tensor '%s': data_offsets [%llu, %llu] reach past the data buffer "
                       "(%llu bytes); the file is truncated or " CORRUPT,
                       what, name, (unsigned long long)e->begin, (unsigned long long)e->end,
                       (unsigned long long)data_len);
    uint64_t size = (uint64_t)nb_dtype_any_size(e->dtype), bytes;
    char st[160];
    nb_shape_text(e->shape, e->ndim, st, sizeof st);
    if (!nb_shape_count(e->shape, e->ndim, size, &e->count, &bytes))
        return nb_fail(err, "%s: tensor '%s': shape %s has more elements than can be counted; "
                            CORRUPT,
                       what, name, st);
    /* unknown dtypes cannot be size-checked; they fail later only if selected */
    if (size && bytes != e->end - e->begin)
        return nb_fail(err,
                       "%s: tensor '%s': shape %s of %s needs %llu bytes but data_offsets "
                       "[%llu, %llu] hold %llu; " CORRUPT,
                       what, name, st, e->dtype, (unsigned long long)bytes,
                       (unsigned long long)e->begin, (unsigned long long)e->end,
                       (unsigned long long)(e->end - e->begin));
    return true;
}

bool nb_st_parse_header(const char *text, size_t len, uint64_t data_len, const char *what,
                        nb_st_entry **entries, int *n, nb_err *err)
{
    *entries = NULL;
    *n = 0;
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return nb_fail(err,
                       "%s: invalid JSON in the header at byte offset %lld (line %d, column %d): "
                       "%s; the file is not a valid .safetensors file or is corrupt",
                       what, (long long)(8 + (jerr.position > 0 ? jerr.position : 0)), jerr.line,
                       jerr.column, jerr.text);
    bool ok = true;
    if (!json_is_object(root)) {
        json_decref(root);
        return nb_fail(err, "%s: the JSON header is not an object mapping tensor names to "
                            "entries; the file is not a valid .safetensors file",
                       what);
    }
    size_t cap = json_object_size(root);
    nb_st_entry *es = calloc(cap ? cap : 1, sizeof *es);
    if (!es) {
        json_decref(root);
        return nb_fail(err, "%s: out of memory for %zu header entries", what, cap);
    }
    int k = 0;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        if (strcmp(key, "__metadata__") == 0)
            ok = check_metadata(v, what, err);
        else
            ok = parse_entry(key, v, data_len, what, &es[k++], err);
        if (!ok)
            break;
    }
    json_decref(root);
    if (!ok) {
        free(es);
        return false;
    }
    *entries = es;
    *n = k;
    return true;
}
