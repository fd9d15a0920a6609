/* Writing an output file only once its new content is complete: a temporary
 * in the same directory, flushed, then renamed over the path. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output_internal.h"

/* Refuse what must not be replaced (links, devices, ...). */
static bool replaceable(const char *path, nb_err *err)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT || nb_fail(err, "cannot write %s: %s", path, strerror(errno));
    return nb_output_regular_or_refuse("output", path, &st, err);
}

/* The mode a new file gets (0666 less the umask), or the existing file's. */
static mode_t target_mode(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        return st.st_mode & 07777;
    mode_t mask = umask(022);
    umask(mask);
    return 0666 & ~mask;
}

/* mkstemps of DIR/.nibble-tmp-XXXXXX-NAME beside path; the fd, or -1. The
 * temporary ends like the file, for writers that go by the extension
 * (SystemC's VCD writer appends .vcd unless the name ends in it). */
static int make_temp(const char *path, char *tmp, size_t len, nb_err *err)
{
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    int n = slash ? snprintf(tmp, len, "%.*s/.nibble-tmp-XXXXXX-%s", (int)(slash - path), path, name)
                  : snprintf(tmp, len, ".nibble-tmp-XXXXXX-%s", name);
    if (n < 0 || (size_t)n >= len) {
        nb_fail(err, "cannot write %s: the path is too long", path);
        return -1;
    }
    int fd = mkstemps(tmp, (int)strlen(name) + 1);
    if (fd < 0)
        nb_fail(err, "cannot write %s: %s", path, strerror(errno));
    return fd;
}

bool nb_output_file_write(const char *path, const char *data, size_t len, nb_err *err)
{
    if (!replaceable(path, err))
        return false;
    char tmp[4400];
    int fd = make_temp(path, tmp, sizeof tmp, err);
    if (fd < 0)
        return false;
    int e = 0;
    for (size_t done = 0; !e && done < len;) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            e = n < 0 ? errno : EIO;
        else
            done += (size_t)n;
    }
    if (!e && (fchmod(fd, target_mode(path)) != 0 || fsync(fd) != 0))
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e) {
        unlink(tmp);
        return nb_fail(err, "cannot write %s: %s (the previous content, if any, is unchanged)",
                       path, strerror(e));
    }
    return true;
}

bool nb_output_file_temp(const char *path, char *tmp, size_t len, nb_err *err)
{
    if (!replaceable(path, err))
        return false;
    int fd = make_temp(path, tmp, len, err);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

bool nb_output_file_install(const char *tmp, const char *path, nb_err *err)
{
    if (!replaceable(path, err)) {
        unlink(tmp);
        return false;
    }
    if (chmod(tmp, target_mode(path)) != 0 || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return nb_fail(err, "cannot write %s: %s (the previous content, if any, is unchanged)",
                       path, strerror(e));
    }
    return true;
}

void nb_output_file_discard(const char *tmp)
{
    if (tmp && *tmp)
        unlink(tmp);
}
