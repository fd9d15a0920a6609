/* The marker file that makes a directory nibble's own output. Its first line
 * is one no other tool writes; the second names the kind of output, so that a
 * report directory is never replaced by a design and so on. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output_internal.h"

static const char *const KIND_NAMES[] = {"design", "report", "sweep", "formal", "waves", "export"};

const char *nb_output_kind_name(nb_output_kind kind)
{
    return (unsigned)kind < sizeof KIND_NAMES / sizeof *KIND_NAMES ? KIND_NAMES[kind] : "?";
}

const char *nb_output_kind_option(nb_output_kind kind)
{
    return kind == NB_OUTPUT_FORMAL ? "--work" : kind == NB_OUTPUT_WAVES ? "--waves"
         : kind == NB_OUTPUT_EXPORT ? "--accelergy" : "-o";
}

/* The whole marker text of a kind. */
static int marker_text(nb_output_kind kind, char *buf, size_t len)
{
    return snprintf(buf, len,
                    NB_OUTPUT_MARKER_HEAD "\n"
                    "kind: %s\n"
                    "This directory was written by nibble. Because of this file nibble may\n"
                    "replace it or clean it the next time it writes its %s output here;\n"
                    "delete this file to keep nibble from touching the directory.\n",
                    nb_output_kind_name(kind), nb_output_kind_name(kind));
}

bool nb_output_mark(const char *dir, nb_output_kind kind, nb_err *err)
{
    char path[4200], text[512];
    snprintf(path, sizeof path, "%s/" NB_OUTPUT_MARKER, dir);
    int n = marker_text(kind, text, sizeof text);
    /* O_EXCL: never through a link or over a file someone else put there */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return nb_fail(err, "cannot mark %s as nibble's output (%s): %s", dir, path, strerror(errno));
    nb_output_step(); /* a kill here leaves an empty marker (see nb_output_marker_unfinished) */
    bool ok = write(fd, text, (size_t)n) == n;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        unlink(path);
        return nb_fail(err, "cannot write %s: %s", path, strerror(errno));
    }
    return true;
}

bool nb_output_is_marked(const char *dir, nb_output_kind kind)
{
    char path[4200], want[512], got[512];
    snprintf(path, sizeof path, "%s/" NB_OUTPUT_MARKER, dir);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat st;
    ssize_t n = -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        n = read(fd, got, sizeof got - 1);
    close(fd);
    if (n < 0)
        return false;
    got[n] = '\0';
    /* the head line and the kind line; the explanation may be reworded */
    int head = snprintf(want, sizeof want, NB_OUTPUT_MARKER_HEAD "\nkind: %s\n",
                        nb_output_kind_name(kind));
    return strncmp(got, want, (size_t)head) == 0;
}

bool nb_output_marker_unfinished(const char *dir, nb_output_kind kind)
{
    char path[4200], want[512], got[512];
    snprintf(path, sizeof path, "%s/" NB_OUTPUT_MARKER, dir);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat st;
    ssize_t n = -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (off_t)sizeof got)
        n = read(fd, got, sizeof got);
    close(fd);
    int whole = marker_text(kind, want, sizeof want);
    /* shorter than the whole text and its beginning: a write cut short */
    return n >= 0 && n < whole && n == st.st_size && memcmp(got, want, (size_t)n) == 0;
}
