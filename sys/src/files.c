/* Whole-file reads and writes, directories, locks. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nibble/files.h"

void nb_file_tail(const char *path, char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    long from = size > (long)len - 1 ? size - (long)len + 1 : 0;
    fseek(f, from, SEEK_SET);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
}

char *nb_read_file(const char *path, size_t *len, nb_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return nb_fail(err, "cannot read %s: %s", path, strerror(errno)), NULL;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f); /* a directory's "size" from fseek is no file size */
        return nb_fail(err, "cannot read %s: it is a directory", path), NULL;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (size < 0) {
        fclose(f);
        return nb_fail(err, "cannot read %s: %s", path, strerror(errno)), NULL;
    }
    char *buf = malloc((size_t)size + 1);
    if (!buf) {
        fclose(f);
        return nb_fail(err, "cannot read %s: out of memory for its %ld bytes", path, size), NULL;
    }
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        int e = ferror(f) ? errno : 0;
        free(buf);
        fclose(f);
        return nb_fail(err, "cannot read %s: %s", path, e ? strerror(e) : "it shrank while read"),
               NULL;
    }
    fclose(f);
    buf[size] = '\0';
    if (len)
        *len = (size_t)size;
    return buf;
}

bool nb_write_file(const char *path, const char *data, size_t len, nb_err *err)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return nb_fail(err, "cannot write %s: %s", path, strerror(errno));
    bool ok = fwrite(data, 1, len, f) == len;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return nb_fail(err, "cannot write %s: %s", path, strerror(errno));
    }
    return true;
}

bool nb_memstream_close(FILE *f, char **buf, const char *what, nb_err *err)
{
    bool ok = f != NULL && !ferror(f);
    ok = (f == NULL || fclose(f) == 0) && ok;
    if (ok && *buf)
        return true;
    free(*buf);
    *buf = NULL;
    return nb_fail(err, "out of memory building %s", what);
}

bool nb_mkdir_p(const char *path, nb_err *err)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return nb_fail(err, "cannot create %s: %s", buf, strerror(errno));
            *p = '/';
        }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return nb_fail(err, "cannot create %s: %s", buf, strerror(errno));
    return true;
}

int nb_lock(const char *path, nb_err *err)
{
    int fd = open(path, O_CREAT | O_RDWR, 0644);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) {
        if (fd >= 0)
            close(fd);
        nb_fail(err, "cannot lock %s: %s", path, strerror(errno));
        return -1;
    }
    return fd;
}

void nb_unlock(int fd)
{
    if (fd >= 0)
        close(fd);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void nb_remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
