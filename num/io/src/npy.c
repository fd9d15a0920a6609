/* .npy: magic, version, header length, dict header, then the raw array. */
#include <stdlib.h>
#include <string.h>

#include "io_internal.h"

/* numpy itself refuses headers above 10000 bytes by default; allow far more, but bound it. */
#define HEADER_MAX (1u << 20)

static const unsigned char MAGIC[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

/* Maps numpy's descr to our dtype and byte order. */
static bool parse_descr(const char *descr, const nb_src *s, const nb_dtype **dt, bool *be,
                        nb_err *err)
{
    static const char *const NAMES[][2] = {{"f4", "F32"}, {"f2", "F16"}, {"f8", "F64"}};
    if (strlen(descr) == 3 && (descr[0] == '<' || descr[0] == '>'))
        for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
            if (strcmp(descr + 1, NAMES[i][0]) == 0) {
                *dt = nb_dtype_find(NAMES[i][1]);
                *be = descr[0] == '>';
                return true;
            }
    return nb_fail(err,
                   "%s: .npy dtype '%s' is not supported (supported: '<f4', '<f2', '<f8' and "
                   "their big-endian '>' forms); convert with a.astype(numpy.float32) and save "
                   "again",
                   s->what, descr);
}

/* Version and header span: where the dict text starts and how long it is. */
static bool read_preamble(const nb_src *s, uint64_t *hstart, uint64_t *hlen, nb_err *err)
{
    unsigned char pre[12];
    if (s->size < 10)
        return nb_fail(err,
                       "%s: file is %llu bytes, too short for a .npy header (at least 10); it "
                       "is truncated or not a .npy file",
                       s->what, (unsigned long long)s->size);
    if (!nb_src_read(s, 0, pre, 10, err))
        return false;
    if (memcmp(pre, MAGIC, sizeof MAGIC) != 0)
        return nb_fail(err,
                       "%s: bad magic: the first bytes are %02x %02x %02x %02x %02x %02x, a .npy "
                       "file starts with \\x93NUMPY; this is not a .npy file",
                       s->what, pre[0], pre[1], pre[2], pre[3], pre[4], pre[5]);
    unsigned major = pre[6], minor = pre[7];
    if (minor != 0 || major < 1 || major > 3)
        return nb_fail(err,
                       "%s: .npy format version %u.%u (byte offset 6) is not supported (1.0, 2.0 "
                       "and 3.0 are); re-save the array with numpy.save",
                       s->what, major, minor);
    if (major == 1) {
        *hstart = 10;
        *hlen = nb_le16(pre + 8);
    } else {
        if (s->size < 12)
            return nb_fail(err,
                           "%s: file is %llu bytes, too short for a version %u.0 .npy header "
                           "(at least 12); it is truncated",
                           s->what, (unsigned long long)s->size, major);
        if (!nb_src_read(s, 8, pre + 8, 4, err))
            return false;
        *hstart = 12;
        *hlen = nb_le32(pre + 8);
    }
    if (*hlen > s->size - *hstart)
        return nb_fail(err,
                       "%s: .npy header length %llu (byte offset 8) runs past the end of the "
                       "file (%llu bytes); the file is truncated",
                       s->what, (unsigned long long)*hlen, (unsigned long long)s->size);
    if (*hlen > HEADER_MAX)
        return nb_fail(err, "%s: .npy header length %llu exceeds the %u-byte limit; the file is "
                            "corrupt",
                       s->what, (unsigned long long)*hlen, HEADER_MAX);
    return true;
}

static bool read_header(const nb_src *s, nb_npy_header *h, uint64_t *data_start, nb_err *err)
{
    uint64_t hstart = 0, hlen = 0;
    if (!read_preamble(s, &hstart, &hlen, err))
        return false;
    char *text = malloc(hlen ? (size_t)hlen : 1);
    if (!text)
        return nb_fail(err, "%s: out of memory for a %llu-byte .npy header", s->what,
                       (unsigned long long)hlen);
    bool ok = nb_src_read(s, hstart, text, (size_t)hlen, err) &&
              nb_npy_parse_header(text, (size_t)hlen, s->what, hstart, h, err);
    free(text);
    *data_start = hstart + hlen;
    return ok;
}

bool nb_npy_read(const nb_src *s, const char *name, nb_select *sel, nb_tensor_list *out,
                 nb_err *err)
{
    nb_npy_header h;
    uint64_t data_start = 0;
    if (!read_header(s, &h, &data_start, err))
        return false;
    const nb_dtype *dt = NULL;
    bool be = false;
    if (!parse_descr(h.descr, s, &dt, &be, err))
        return false;
    /* With at most one dimension the two orders are the same bytes. */
    if (h.fortran_order && h.ndim > 1)
        return nb_fail(err,
                       "%s: fortran_order is True; only C-order arrays are supported, re-save "
                       "with numpy.save(path, numpy.ascontiguousarray(a))",
                       s->what);
    uint64_t count = 0, bytes = 0;
    char st[160];
    nb_shape_text(h.shape, h.ndim, st, sizeof st);
    if (!nb_shape_count(h.shape, h.ndim, (uint64_t)dt->size, &count, &bytes))
        return nb_fail(err, "%s: shape %s has more elements than can be counted; the header is "
                            "corrupt",
                       s->what, st);
    uint64_t have = s->size - data_start;
    if (bytes != have)
        return nb_fail(err,
                       "%s: shape %s of '%s' needs %llu data bytes but the file has %llu after "
                       "the header (byte offset %llu); the file is %s",
                       s->what, st, h.descr, (unsigned long long)bytes, (unsigned long long)have,
                       (unsigned long long)data_start,
                       bytes > have ? "truncated" : "corrupt (trailing bytes)");
    const char *names[1] = {name};
    if (!nb_select_match(sel, name))
        return nb_select_check(sel, s->what, names, 1, err);
    if (!nb_select_check(sel, s->what, names, 1, err))
        return false;
    nb_tensor *t = nb_list_push(out, s->what, err);
    if (!t)
        return false;
    strcpy(t->name, name);
    strcpy(t->dtype, dt->name);
    t->ndim = h.ndim;
    memcpy(t->shape, h.shape, sizeof t->shape);
    t->count = (size_t)count;
    t->data = malloc(count ? (size_t)count * sizeof *t->data : 1);
    if (!t->data)
        return nb_fail(err, "%s: out of memory for %llu floats", s->what,
                       (unsigned long long)count);
    return nb_read_floats(s, data_start, dt, be, t->count, t->data, err);
}
