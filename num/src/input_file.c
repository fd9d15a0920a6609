/* Regular-file checks for user-named inputs (see input_file.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nibble/input_file.h"

static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a FIFO (pipe)";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

FILE *nb_open_input(const char *path, const char *what, nb_err *err)
{
    /* O_NONBLOCK: opening a FIFO without a writer must not wait forever */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return nb_fail(err, "cannot open %s %s: %s; check the path and permissions", what, path,
                       strerror(errno)),
               NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const char *kind = fstat(fd, &st) == 0 ? kind_of(st.st_mode) : strerror(errno);
        close(fd);
        return nb_fail(err, "%s %s is %s; give a regular file", what, path, kind), NULL;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        (void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        nb_fail(err, "%s %s: cannot open (%s)", what, path, strerror(errno));
        close(fd);
    }
    return f;
}

char *nb_read_input(const char *path, const char *what, size_t max, size_t *len, nb_err *err)
{
    FILE *f = nb_open_input(path, what, err);
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    bool ok = buf != NULL;
    while (ok) {
        if (n + 1 >= cap) {
            char *g = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!g) {
                ok = nb_fail(err, "%s %s: out of memory after %zu bytes", what, path, n);
                break;
            }
            buf = g;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (max && n > max) {
            ok = nb_fail(err, "%s %s is larger than the limit of %zu bytes", what, path, max);
            break;
        }
        if (got == 0) {
            if (ferror(f))
                ok = nb_fail(err, "%s %s: read error (%s)", what, path, strerror(errno));
            break;
        }
    }
    if (!buf && !ok)
        nb_fail(err, "%s %s: out of memory", what, path);
    fclose(f);
    if (!ok) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}
