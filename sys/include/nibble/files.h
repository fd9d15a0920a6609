/* Whole-file reads and writes, directories and locks. */
#ifndef NIBBLE_FILES_H
#define NIBBLE_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "nibble/error.h"

/* The last `len` bytes of a file (for error messages). */
void nb_file_tail(const char *path, char *buf, size_t len);

/* Read a whole file (malloc'd, NUL-terminated). */
char *nb_read_file(const char *path, size_t *len, nb_err *err);
/* Write a whole file atomically (temporary + rename). */
bool nb_write_file(const char *path, const char *data, size_t len, nb_err *err);

/* Finish text built with open_memstream (f may be NULL: the open failed).
 * A failed write into it (out of memory) would otherwise leave a silently
 * truncated text to be written out as if complete: then *buf is freed and
 * set to NULL and err names `what`. */
bool nb_memstream_close(FILE *f, char **buf, const char *what, nb_err *err);

bool nb_mkdir_p(const char *path, nb_err *err);

/* Remove a directory tree nibble made itself (caches, temporaries); never
 * call it on a path a user named without proving ownership first. */
void nb_remove_tree(const char *path);

/* Exclusive lock on `path` (created if needed); returns an fd to pass to
 * nb_unlock, or -1 with err set. */
int nb_lock(const char *path, nb_err *err);
void nb_unlock(int fd);

#endif
