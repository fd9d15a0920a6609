/* May nibble replace or clean a directory a user named as an output? Only
 * what it can prove it made (the marker of the same kind) or an empty
 * directory; everything else is refused with what to do instead. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nibble/files.h"
#include "output_internal.h"

/* The file each kind of output has always held: a directory holding it but no
 * marker is an unmarked output of an older nibble, or a look-alike. */
static const char *signature_file(nb_output_kind kind)
{
    switch (kind) {
    case NB_OUTPUT_DESIGN: return "manifest.json";
    case NB_OUTPUT_REPORT: return "report.json";
    case NB_OUTPUT_SWEEP: return "plan.json";
    default: return NULL;
    }
}

static bool is_empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    int entries = 0;
    for (struct dirent *e; (e = readdir(d));)
        entries += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return entries == 0;
}

/* The kind whose marker dir carries, or -1. */
static int marked_kind(const char *dir)
{
    for (int k = NB_OUTPUT_DESIGN; k <= NB_OUTPUT_EXPORT; k++)
        if (nb_output_is_marked(dir, (nb_output_kind)k))
            return k;
    return -1;
}

bool nb_output_dir_check(const char *dir, nb_output_kind kind, nb_output_state *state, nb_err *err)
{
    const char *opt = nb_output_kind_option(kind), *name = nb_output_kind_name(kind);
    nb_output_state dummy;
    if (!state)
        state = &dummy;
    struct stat st;
    if (lstat(dir, &st) != 0) {
        if (errno == ENOENT) {
            *state = NB_OUTPUT_ABSENT;
            return true;
        }
        return nb_fail(err, "cannot inspect the output directory %s: %s", dir, strerror(errno));
    }
    if (S_ISLNK(st.st_mode))
        return nb_fail(err, "output %s is a symbolic link; nibble does not replace links or write "
                       "through them: give the directory it points to, or choose another %s",
                       dir, opt);
    if (!S_ISDIR(st.st_mode))
        return nb_fail(err, "output %s exists and is not a directory; nibble replaces only "
                       "directories it made: choose another %s, or remove %s yourself",
                       dir, opt, dir);
    if (nb_output_is_marked(dir, kind)) {
        *state = NB_OUTPUT_OURS;
        return true;
    }
    int other = marked_kind(dir);
    if (other >= 0)
        return nb_fail(err, "output directory %s is a nibble %s output, not %s %s output; nibble "
                       "will not replace one kind of output with another: choose another %s, or "
                       "remove %s yourself", dir, nb_output_kind_name((nb_output_kind)other),
                       strchr("aeiou", name[0]) ? "an" : "a", name, opt, dir);
    if (is_empty_dir(dir)) {
        *state = NB_OUTPUT_EMPTY;
        return true;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/" NB_OUTPUT_MARKER, dir);
    if (lstat(path, &st) == 0)
        return nb_fail(err, "output directory %s holds a %s file that nibble did not write; "
                       "nibble replaces only directories it marked itself: choose another %s, or "
                       "remove %s yourself", dir, NB_OUTPUT_MARKER, opt, dir);
    const char *sig = signature_file(kind);
    if (sig) {
        snprintf(path, sizeof path, "%s/%s", dir, sig);
        if (lstat(path, &st) == 0)
            return nb_fail(err, "output directory %s holds %s but no %s marker: it was not "
                           "written by this nibble (a look-alike, or a %s from an older nibble "
                           "that did not mark its outputs), and nibble replaces only directories "
                           "it marked: choose another %s, or remove %s yourself",
                           dir, sig, NB_OUTPUT_MARKER, name, opt, dir);
    }
    return nb_fail(err, "output directory %s is not empty and was not made by nibble (it has no "
                   "%s marker); nibble replaces only its own outputs: choose another %s, or "
                   "remove %s yourself", dir, NB_OUTPUT_MARKER, opt, dir);
}

bool nb_output_dir_claim(const char *dir, nb_output_kind kind, nb_err *err)
{
    nb_output_state state;
    if (!nb_output_dir_check(dir, kind, &state, err))
        return false;
    if (state == NB_OUTPUT_OURS)
        return true;
    if (state == NB_OUTPUT_ABSENT && !nb_mkdir_p(dir, err))
        return false;
    return nb_output_mark(dir, kind, err);
}
