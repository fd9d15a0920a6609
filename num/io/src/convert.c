/* Element types and their conversion to float32, read in bounded chunks. */
#include <stdio.h>
#include <string.h>

#include "io_internal.h"

static const nb_dtype DTYPES[] = {
    {"F32", NB_DK_F32, 4},
    {"F16", NB_DK_F16, 2},
    {"BF16", NB_DK_BF16, 2},
    {"F64", NB_DK_F64, 8},
};

const nb_dtype *nb_dtype_find(const char *name)
{
    for (size_t i = 0; i < sizeof DTYPES / sizeof DTYPES[0]; i++)
        if (strcmp(name, DTYPES[i].name) == 0)
            return &DTYPES[i];
    return NULL;
}

int nb_dtype_any_size(const char *name)
{
    /* Types we cannot convert still get their sizes checked, so files holding
     * e.g. integer buffers are validated even when those tensors are not selected. */
    static const struct {
        const char *name;
        int size;
    } ALL[] = {
        {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1}, {"F8_E8M0", 1},
        {"I16", 2},  {"U16", 2}, {"I32", 4}, {"U32", 4},     {"I64", 8},     {"U64", 8},
    };
    const nb_dtype *dt = nb_dtype_find(name);
    if (dt)
        return dt->size;
    for (size_t i = 0; i < sizeof ALL / sizeof ALL[0]; i++)
        if (strcmp(name, ALL[i].name) == 0)
            return ALL[i].size;
    return 0;
}

static uint16_t get16(const unsigned char *p, bool be)
{
    return be ? (uint16_t)(p[0] << 8 | p[1]) : nb_le16(p);
}

static uint32_t get32(const unsigned char *p, bool be)
{
    if (!be)
        return nb_le32(p);
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t get64(const unsigned char *p, bool be)
{
    if (!be)
        return nb_le64(p);
    return (uint64_t)get32(p, true) << 32 | get32(p + 4, true);
}

static void convert(const unsigned char *raw, size_t n, const nb_dtype *dt, bool be, float *out)
{
    for (size_t i = 0; i < n; i++) {
        const unsigned char *p = raw + i * (size_t)dt->size;
        switch (dt->kind) {
        case NB_DK_F32: {
            uint32_t u = get32(p, be);
            memcpy(&out[i], &u, sizeof u);
            break;
        }
        case NB_DK_F16:
            out[i] = nb_f16_to_f32(get16(p, be));
            break;
        case NB_DK_BF16:
            out[i] = nb_bf16_to_f32(get16(p, be));
            break;
        case NB_DK_F64: {
            uint64_t u = get64(p, be);
            double d;
            memcpy(&d, &u, sizeof d);
            out[i] = (float)d;   /* IEEE rounding; beyond float range gives +-inf */
            break;
        }
        }
    }
}

bool nb_read_floats(const nb_src *s, uint64_t off, const nb_dtype *dt, bool big_endian,
                    size_t count, float *out, nb_err *err)
{
    unsigned char raw[1 << 14];
    size_t per = sizeof raw / (size_t)dt->size;
    for (size_t i = 0; i < count;) {
        size_t n = count - i < per ? count - i : per;
        if (!nb_src_read(s, off + (uint64_t)i * (uint64_t)dt->size, raw, n * (size_t)dt->size,
                         err))
            return false;
        convert(raw, n, dt, big_endian, out + i);
        i += n;
    }
    return true;
}

bool nb_shape_count(const int64_t *shape, int ndim, uint64_t elem_size, uint64_t *count,
                    uint64_t *bytes)
{
    uint64_t c = 1;
    for (int i = 0; i < ndim; i++) {
        uint64_t d = (uint64_t)shape[i];
        if (d != 0 && c > UINT64_MAX / d)
            return false;
        c *= d;
    }
    if (elem_size != 0 && c > UINT64_MAX / elem_size)
        return false;
    if (c > SIZE_MAX)
        return false;
    *count = c;
    *bytes = c * elem_size;
    return true;
}

void nb_shape_text(const int64_t *shape, int ndim, char *buf, size_t len)
{
    size_t k = (size_t)snprintf(buf, len, "(");
    for (int i = 0; i < ndim && k < len; i++)
        k += (size_t)snprintf(buf + k, len - k, "%s%lld", i ? ", " : "", (long long)shape[i]);
    /* Python's spelling, so one dimension reads as a tuple: (4,) */
    if (k < len)
        snprintf(buf + k, len - k, ndim == 1 ? ",)" : ")");
}
