/* Checking an output file a user named before any work starts: what is at
 * the path, whether it is one of the command's inputs, and whether its
 * directory can take it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output_internal.h"

static const char *link_hint(const char *path);

bool nb_output_regular_or_refuse(const char *what, const char *path, const struct stat *st,
                                 nb_err *err)
{
    const char *kind = S_ISLNK(st->st_mode)    ? "a symbolic link"
                       : S_ISDIR(st->st_mode)  ? "a directory"
                       : S_ISCHR(st->st_mode)  ? "a character device"
                       : S_ISBLK(st->st_mode)  ? "a block device"
                       : S_ISFIFO(st->st_mode) ? "a FIFO"
                       : S_ISSOCK(st->st_mode) ? "a socket"
                       : NULL;
    if (!kind)
        return true;
    return nb_fail(err, "%s %s is %s; nibble writes only regular files (it replaces them once the "
                   "new content is complete) and never writes through links or into devices: "
                   "give a file name%s", what, path, kind, S_ISLNK(st->st_mode) ? link_hint(path) : "");
}

/* What a symbolic link leads to, for the message. */
static const char *link_hint(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return " (it leads nowhere)";
    if (S_ISREG(st.st_mode))
        return " (its target, if that is what you meant)";
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
        return " (it leads to a device: to read the result on the terminal, leave the option "
               "out and read what nibble prints)";
    return " (it leads to something other than a regular file)";
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* The input directory (among inputs) that holds the directory `fd`, at any
 * depth, or NULL. Walks up through ".." so links and odd spellings of the
 * path do not matter. Takes ownership of fd. */
static const char *inside_input(int fd, const char *const *inputs, const struct stat *ist,
                                const bool *is_dir, size_t n)
{
    const char *found = NULL;
    for (int depth = 0; fd >= 0 && !found && depth < 4096; depth++) {
        struct stat st, up;
        if (fstat(fd, &st) != 0)
            break;
        for (size_t i = 0; i < n && !found; i++)
            if (is_dir[i] && same_file(&st, &ist[i]))
                found = inputs[i];
        int parent = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        close(fd);
        fd = parent;
        if (fd >= 0 && fstat(fd, &up) == 0 && same_file(&up, &st))
            break; /* the root */
    }
    if (fd >= 0)
        close(fd);
    return found;
}

bool nb_output_file_check(const char *opt, const char *path, const char *const *inputs,
                          size_t ninputs, nb_err *err)
{
    if (!path || !*path)
        return nb_fail(err, "%s needs a file name", opt);
    size_t len = strlen(path);
    if (len > 3000)
        return nb_fail(err, "%s: the path is too long (%zu characters; at most 3000)", opt, len);
    if (path[len - 1] == '/')
        return nb_fail(err, "%s %s names a directory; give a file name", opt, path);
    struct stat ist[16];
    bool is_dir[16];
    if (ninputs > 16)
        ninputs = 16;
    for (size_t i = 0; i < ninputs; i++) {
        is_dir[i] = false;
        if (inputs[i] && stat(inputs[i], &ist[i]) == 0)
            is_dir[i] = S_ISDIR(ist[i].st_mode);
        else
            ist[i] = (struct stat){.st_ino = 0};
    }
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!nb_output_regular_or_refuse(opt, path, &st, err))
            return false;
        for (size_t i = 0; i < ninputs; i++)
            if (inputs[i] && ist[i].st_ino && same_file(&st, &ist[i]))
                return nb_fail(err, "%s %s is %s, an input of this command; nibble never writes "
                               "over its inputs: choose another file", opt, path, inputs[i]);
    } else if (errno != ENOENT) {
        return nb_fail(err, "%s %s: %s", opt, path, strerror(errno));
    }
    char parent[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(parent, sizeof parent, ".");
    else
        snprintf(parent, sizeof parent, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    int fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return nb_fail(err, "%s %s: its directory %s %s; create it first or choose another file",
                       opt, path, parent, errno == ENOENT ? "does not exist" : strerror(errno));
    if (faccessat(fd, ".", W_OK | X_OK, AT_EACCESS) != 0) {
        int e = errno;
        close(fd);
        return nb_fail(err, "%s %s: cannot write into %s: %s", opt, path, parent, strerror(e));
    }
    const char *holder = inside_input(fd, inputs, ist, is_dir, ninputs);
    if (holder)
        return nb_fail(err, "%s %s is inside %s, which this command reads; nibble never writes "
                       "into its inputs: choose a file outside it", opt, path, holder);
    return true;
}
