/* Bounded reads from a file or a memory buffer, plus little-endian decoding. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <string.h>
#include <sys/types.h>

#include "io_internal.h"

uint16_t nb_le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

uint32_t nb_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t nb_le64(const unsigned char *p)
{
    return (uint64_t)nb_le32(p) | (uint64_t)nb_le32(p + 4) << 32;
}

bool nb_src_read(const nb_src *s, uint64_t off, void *dst, size_t n, nb_err *err)
{
    /* Callers validate ranges first; this is the last line of defence. */
    if (off > s->size || n > s->size - off)
        return nb_fail(err,
                       "%s: internal error: read of %zu bytes at byte offset %llu is past the "
                       "end (%llu bytes); please report this with the file",
                       s->what, n, (unsigned long long)off, (unsigned long long)s->size);
    if (n == 0)
        return true;
    if (s->buf) {
        memcpy(dst, s->buf + off, n);
        return true;
    }
    if (off > (uint64_t)INT64_MAX || fseeko(s->fp, (off_t)off, SEEK_SET) != 0)
        return nb_fail(err, "%s: cannot seek to byte offset %llu: %s", s->what,
                       (unsigned long long)off, strerror(errno));
    size_t got = fread(dst, 1, n, s->fp);
    if (got != n)
        return nb_fail(err,
                       "%s: short read at byte offset %llu (%zu of %zu bytes): %s; was the file "
                       "changed while reading?",
                       s->what, (unsigned long long)(off + got), got, n,
                       ferror(s->fp) ? strerror(errno) : "unexpected end of file");
    return true;
}
