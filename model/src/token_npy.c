/* Pre-tokenized input: token ids in a .npy file (int32 or int64, C order),
 * shape (n,) for one stream or (rows, n) for one sequence per row. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/tokenizer.h"

#define NPY_HEADER_MAX 65536

void nb_token_rows_free(nb_token_rows *r)
{
    free(r->ids);
    free(r->off);
    memset(r, 0, sizeof *r);
}

/* Value text after 'key': in the header dict, or NULL. */
static const char *dict_value(const char *hdr, const char *key)
{
    char pat[32];
    snprintf(pat, sizeof pat, "'%s':", key);
    const char *p = strstr(hdr, pat);
    if (!p)
        return NULL;
    p += strlen(pat);
    while (*p == ' ')
        p++;
    return p;
}

static bool parse_header(const char *path, const char *hdr, int *size, int *ndim,
                         unsigned long long shape[2], nb_err *err)
{
    const char *d = dict_value(hdr, "descr"), *fo = dict_value(hdr, "fortran_order"),
               *sh = dict_value(hdr, "shape");
    if (!d || !fo || !sh)
        return nb_fail(err, "%s: the .npy header lacks descr, fortran_order or shape: re-save "
                       "the ids with numpy.save", path);
    if (strncmp(d, "'<i4'", 5) == 0)
        *size = 4;
    else if (strncmp(d, "'<i8'", 5) == 0)
        *size = 8;
    else
        return nb_fail(err, "%s: token ids must be little-endian int32 or int64 (descr '<i4' or "
                       "'<i8'), found %.8s: convert with ids.astype(numpy.int32)", path, d);
    if (strncmp(fo, "False", 5) != 0)
        return nb_fail(err, "%s: Fortran-order arrays are not supported: save a C-order array",
                       path);
    if (*sh != '(')
        return nb_fail(err, "%s: the .npy shape is not a tuple", path);
    const char *p = sh + 1;
    *ndim = 0;
    while (*p && *p != ')') {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(p, &end, 10);
        if (end == p || errno || *ndim == 2)
            return nb_fail(err, "%s: the token ids must have shape (n,) or (rows, n)", path);
        shape[(*ndim)++] = v;
        p = end;
        while (*p == ',' || *p == ' ')
            p++;
    }
    if (*ndim == 0)
        return nb_fail(err, "%s: the token ids must have shape (n,) or (rows, n), not a scalar",
                       path);
    if (*ndim == 1) {
        shape[1] = shape[0];
        shape[0] = 1;
    }
    return true;
}

bool nb_tokens_load_npy(const char *path, nb_token_rows *out, nb_err *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return nb_fail(err, "cannot open the token ids %s: %s", path, strerror(errno));
    unsigned char pre[12];
    char *hdr = NULL;
    bool ok = fread(pre, 1, 10, f) == 10 && memcmp(pre, "\x93NUMPY", 6) == 0;
    if (!ok)
        nb_fail(err, "%s is not a .npy file (no \\x93NUMPY magic): give token ids saved with "
                "numpy.save", path);
    size_t hlen = 0, hstart = 10;
    if (ok && pre[6] == 1) {
        hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
    } else if (ok && (pre[6] == 2 || pre[6] == 3) && fread(pre + 10, 1, 2, f) == 2) {
        hlen = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 |
               (size_t)pre[11] << 24;
        hstart = 12;
    } else if (ok) {
        ok = nb_fail(err, "%s: .npy version %d is not supported (1, 2 or 3)", path, pre[6]);
    }
    if (ok && hlen > NPY_HEADER_MAX)
        ok = nb_fail(err, "%s: the .npy header claims %zu bytes: damaged file", path, hlen);
    if (ok) {
        hdr = malloc(hlen + 1);
        ok = hdr && fread(hdr, 1, hlen, f) == hlen;
        if (!ok)
            nb_fail(err, "%s: the .npy header is truncated", path);
        else
            hdr[hlen] = '\0';
    }
    int size = 0, ndim = 0;
    unsigned long long shape[2] = {0, 0};
    ok = ok && parse_header(path, hdr, &size, &ndim, shape, err);
    free(hdr);
    long long fsize = -1;
    if (ok && fseek(f, 0, SEEK_END) == 0)
        fsize = ftell(f);
    unsigned long long count = shape[0] * shape[1];
    if (ok && (shape[1] && count / shape[1] != shape[0]))
        ok = nb_fail(err, "%s: the shape overflows", path);
    if (ok && (fsize < 0 || (unsigned long long)fsize != hstart + hlen + count * (unsigned)size))
        ok = nb_fail(err, "%s: the shape (%llu x %llu of %d-byte ids) needs %llu data bytes, the "
                     "file has %lld: truncated or damaged", path, shape[0], shape[1], size,
                     count * (unsigned)size, fsize - (long long)(hstart + hlen));
    if (ok && count == 0)
        ok = nb_fail(err, "%s holds no token ids", path);
    if (ok) {
        out->ids = malloc(count * sizeof *out->ids);
        out->off = malloc((shape[0] + 1) * sizeof *out->off);
        ok = out->ids && out->off && fseek(f, (long)(hstart + hlen), SEEK_SET) == 0;
        if (!ok)
            nb_fail(err, "%s: out of memory for %llu token ids", path, count);
    }
    size_t k = 0;
    for (unsigned long long r = 0; ok && r < shape[0]; r++) {
        out->off[r] = k;
        bool pad = false;
        for (unsigned long long c = 0; ok && c < shape[1]; c++) {
            unsigned char b[8];
            if (fread(b, 1, (size_t)size, f) != (size_t)size) {
                ok = nb_fail(err, "%s: reading the ids failed", path);
                break;
            }
            long long v = 0;
            for (int i = size - 1; i >= 0; i--)
                v = (long long)((unsigned long long)v << 8 | b[i]);
            if (size == 4)
                v = (int32_t)(uint32_t)v;
            if (v < 0) {
                pad = true;
                continue;
            }
            if (pad && ndim == 2) {
                ok = nb_fail(err, "%s: row %llu has id %lld after padding (negative ids may "
                             "only end a row)", path, r, v);
                break;
            }
            if (v < 0 || v > 0x7fffffff || (pad && ndim == 1)) {
                ok = nb_fail(err, "%s: id %lld at index %llu is not a token id", path, v, c);
                break;
            }
            out->ids[k++] = (int)v;
        }
        if (ok && pad && ndim == 1)
            ok = nb_fail(err, "%s: a one-dimensional stream holds a negative id: give (rows, n) "
                         "with negative ids only as padding", path);
    }
    fclose(f);
    if (!ok) {
        nb_token_rows_free(out);
        return false;
    }
    out->off[shape[0]] = k;
    out->rows = (size_t)shape[0];
    return true;
}
