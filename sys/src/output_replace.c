/* Atomic replacement of an output directory: the new output is built in a
 * marked, locked temporary sibling and swapped in with
 * renameat2(RENAME_EXCHANGE); the previous output, now under the temporary
 * name, is removed afterwards. At every moment DIR is the complete old or the
 * complete new output. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nibble/files.h"
#include "output_internal.h"

#define TMP_INFIX ".nibble-tmp-"

static void (*step_hook)(int step);
static int step_count;

void nb_output_set_step_hook(void (*hook)(int step))
{
    step_hook = hook;
    step_count = 0;
}

void nb_output_step(void)
{
    step_count++;
    if (step_hook)
        step_hook(step_count);
}

/* dir split into its parent and last component. */
static void split_path(const char *dir, char *parent, size_t plen, const char **base)
{
    const char *slash = strrchr(dir, '/');
    if (!slash) {
        snprintf(parent, plen, ".");
        *base = dir;
    } else {
        snprintf(parent, plen, "%.*s", slash == dir ? 1 : (int)(slash - dir), dir);
        *base = slash + 1;
    }
}

/* Temporaries a killed run left beside dir, when no running nibble holds
 * their lock: removed if they carry the marker of this kind; an unmarked one
 * only if it is empty, as a kill right after mkdtemp leaves it, or holds
 * nothing but the beginning of this kind's marker, as a kill while marking
 * leaves it. */
static void remove_stale(const char *dir, nb_output_kind kind)
{
    char parent[4096];
    const char *base;
    split_path(dir, parent, sizeof parent, &base);
    size_t bl = strlen(base), il = strlen(TMP_INFIX);
    DIR *d = opendir(parent);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (strncmp(e->d_name, base, bl) != 0 || strncmp(e->d_name + bl, TMP_INFIX, il) != 0 ||
            strlen(e->d_name + bl + il) != 6)
            continue;
        char path[8400];
        snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        bool marked = nb_output_is_marked(path, kind);
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) {
            if (marked) {
                nb_output_remove_marked(path);
            } else {
                /* killed before it was marked, or while the marker was being
                 * written (nothing else is in it then): removed only if empty
                 * once that unfinished marker is gone */
                if (nb_output_marker_unfinished(path, kind)) {
                    char marker[8500];
                    snprintf(marker, sizeof marker, "%s/" NB_OUTPUT_MARKER, path);
                    unlink(marker);
                }
                rmdir(path);
            }
        }
        if (fd >= 0)
            close(fd);
    }
    closedir(d);
}

bool nb_output_dir_begin(nb_output_dir *o, const char *dir, nb_output_kind kind, nb_err *err)
{
    memset(o, 0, sizeof *o);
    o->lock_fd = -1;
    o->kind = kind;
    if (!dir || !*dir)
        return nb_fail(err, "no output directory given; use %s DIR", nb_output_kind_option(kind));
    size_t len = strlen(dir);
    if (len > 3000)
        return nb_fail(err, "output path %.40s... is too long (%zu characters; at most 3000)", dir, len);
    snprintf(o->dir, sizeof o->dir, "%s", dir);
    while (len > 1 && o->dir[len - 1] == '/')
        o->dir[--len] = '\0';
    char parent[4096];
    const char *base;
    split_path(o->dir, parent, sizeof parent, &base);
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return nb_fail(err, "output directory '%s' names no directory of its own; give it by name "
                       "(for example %s out)", dir, nb_output_kind_option(kind));
    if (!nb_output_dir_check(o->dir, kind, NULL, err))
        return false;
    if (!nb_mkdir_p(parent, err))
        return nb_fail_prefix(err, "cannot create output directory %s", o->dir);
    remove_stale(o->dir, kind);
    snprintf(o->tmp, sizeof o->tmp, "%s" TMP_INFIX "XXXXXX", o->dir);
    if (!mkdtemp(o->tmp)) {
        o->tmp[0] = '\0';
        return nb_fail(err, "cannot create output directory %s: %s", o->dir, strerror(errno));
    }
    nb_output_step();
    mode_t mask = umask(022);
    umask(mask);
    chmod(o->tmp, 0777 & ~mask); /* mkdtemp's 0700 is for the temporary, not the output */
    /* the lock tells a concurrent run's stale-temporary sweep to keep off */
    o->lock_fd = open(o->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (o->lock_fd < 0 || flock(o->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        nb_output_dir_abort(o);
        return nb_fail(err, "cannot create output directory %s: %s", o->dir, strerror(e));
    }
    if (!nb_output_mark(o->tmp, kind, err)) {
        nb_output_dir_abort(o);
        return false;
    }
    nb_output_step();
    return true;
}

bool nb_output_dir_commit(nb_output_dir *o, nb_err *err)
{
    nb_output_state state;
    /* checked again: the directory may have changed while the output was built */
    if (!nb_output_dir_check(o->dir, o->kind, &state, err)) {
        nb_output_dir_abort(o);
        return false;
    }
    bool swapped = false;
    if (state == NB_OUTPUT_ABSENT) {
        int r = renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->dir, RENAME_NOREPLACE);
        if (r != 0 && (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP))
            r = rename(o->tmp, o->dir); /* replaces at most an empty directory */
        if (r != 0) {
            int e = errno;
            nb_output_dir_abort(o);
            return nb_fail(err, "cannot create %s: %s", o->dir, strerror(e));
        }
    } else if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->dir, RENAME_EXCHANGE) == 0) {
        swapped = true;
    } else if ((errno == EINVAL || errno == ENOSYS || errno == ENOTSUP) && state == NB_OUTPUT_EMPTY) {
        /* no exchange on this file system: rename() replaces an empty directory atomically */
        if (rename(o->tmp, o->dir) != 0) {
            int e = errno;
            nb_output_dir_abort(o);
            return nb_fail(err, "cannot replace %s: %s", o->dir, strerror(e));
        }
    } else {
        int e = errno;
        nb_output_dir_abort(o);
        if (e == EINVAL || e == ENOSYS || e == ENOTSUP)
            return nb_fail(err, "the file system holding %s cannot swap directories atomically "
                           "(renameat2 RENAME_EXCHANGE: %s), and nibble never removes an output "
                           "before its replacement is in place: remove %s yourself and run again, "
                           "or choose another %s", o->dir, strerror(e), o->dir,
                           nb_output_kind_option(o->kind));
        return nb_fail(err, "cannot replace %s: %s", o->dir, strerror(e));
    }
    nb_output_step();
    /* the previous output (marked, or an empty directory) is now at o->tmp */
    if (swapped)
        nb_output_remove_marked(o->tmp);
    o->tmp[0] = '\0';
    if (o->lock_fd >= 0)
        close(o->lock_fd);
    o->lock_fd = -1;
    return true;
}

void nb_output_dir_abort(nb_output_dir *o)
{
    if (o->tmp[0])
        nb_output_remove_marked(o->tmp);
    o->tmp[0] = '\0';
    if (o->lock_fd >= 0)
        close(o->lock_fd);
    o->lock_fd = -1;
}
