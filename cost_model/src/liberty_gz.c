/* Liberty files as text, gzip-compressed or not (zlib). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cost_file.h"
#include "nibble/liberty.h"

/* No cell library comes near this once decompressed; a "gzip bomb" stops here. */
#define LIBERTY_MAX_TEXT ((size_t)2 << 30)

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* gunzip data[0..n) (one or more concatenated members) into a NUL-terminated buffer. */
static char *gunzip(const unsigned char *data, size_t n, const char *path, const char *what,
                    size_t *len, nb_err *err)
{
    size_t cap = n * 4 + 4096, used = 0;
    char *out = malloc(cap);
    if (!out) {
        nb_fail(err, "out of memory decompressing %s file %s", what, path);
        return NULL;
    }
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 32) != Z_OK) { /* 15 + 32: gzip or zlib header, detected */
        free(out);
        nb_fail(err, "cannot start zlib to decompress %s file %s", what, path);
        return NULL;
    }
    z.next_in = (unsigned char *)data;
    int rc = Z_OK;
    size_t left = n;
    for (;;) {
        if (used + 1 >= cap) {
            if (cap >= LIBERTY_MAX_TEXT) {
                rc = Z_MEM_ERROR;
                break;
            }
            char *g = realloc(out, cap * 2);
            if (!g) {
                rc = Z_MEM_ERROR;
                break;
            }
            out = g;
            cap *= 2;
        }
        uInt chunk = left > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uInt)left;
        size_t room = cap - used - 1;
        z.avail_in = chunk;
        z.next_out = (unsigned char *)out + used;
        z.avail_out = room > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uInt)room;
        uInt in_before = z.avail_in, out_before = z.avail_out;
        rc = inflate(&z, Z_NO_FLUSH);
        left -= in_before - z.avail_in;
        used += out_before - z.avail_out;
        if (rc == Z_STREAM_END) {
            /* another gzip member may follow (cat a.gz b.gz); trailing zeros are padding */
            while (left > 0 && data[n - left] == 0)
                left--;
            if (left == 0)
                break;
            if (inflateReset(&z) != Z_OK)
                break;
            z.next_in = (unsigned char *)data + (n - left);
            rc = Z_OK;
            continue;
        }
        if (rc == Z_BUF_ERROR && left == 0)
            break; /* the input ended inside a member: truncated */
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            break;
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        if (rc == Z_MEM_ERROR)
            nb_fail(err, "%s file %s: decompressed it is over %zu bytes (or memory ran out); no "
                    "cell library is that large", what, path, LIBERTY_MAX_TEXT);
        else if (rc == Z_BUF_ERROR)
            nb_fail(err, "%s file %s: the gzip data is truncated (it ends before the end of "
                    "the compressed stream); copy the file again", what, path);
        else
            nb_fail(err, "%s file %s: the gzip data is corrupt (%s); copy the file again", what,
                    path, z.msg ? z.msg : "zlib error");
        return NULL;
    }
    out[used] = '\0';
    *len = used;
    return out;
}

char *nb_liberty_file_text(const char *path, const char *what, size_t *len, nb_err *err)
{
    size_t n;
    char *raw = cost_read_file(path, what, &n, err);
    if (!raw)
        return NULL;
    const unsigned char *b = (const unsigned char *)raw;
    bool gz = n >= 2 && b[0] == 0x1f && b[1] == 0x8b;
    if (!gz && ends_with(path, ".gz")) {
        free(raw);
        nb_fail(err, "%s file %s is not gzip data although its name ends in .gz (it does not "
                "start with the gzip magic bytes 1f 8b); decompress it yourself or name it "
                "without .gz if it is plain text", what, path);
        return NULL;
    }
    if (!gz) {
        *len = n;
        return raw;
    }
    char *text = gunzip(b, n, path, what, len, err);
    free(raw);
    return text;
}
