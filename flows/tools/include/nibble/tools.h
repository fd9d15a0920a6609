/* Running external tools (Verilator, Yosys, OpenSTA) reproducibly: logged
 * processes, content hashes for caching, cache directories with locks. */
#ifndef NIBBLE_TOOLS_H
#define NIBBLE_TOOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "nibble/error.h"

/* Run argv (PATH lookup) in cwd (NULL: here) with stdout+stderr appended to
 * log_path. Returns the exit status, 127 if the tool cannot be started, or
 * 128 + signal. */
int nb_run_logged(char *const argv[], const char *log_path, const char *cwd);

/* First line of `tool --version`-like output (cached per tool), or an error
 * naming the missing tool and how to install it. */
bool nb_tool_version(const char *tool, const char *flag, char *buf, size_t len, nb_err *err);

/* The last `len` bytes of a file (for error messages). */
void nb_file_tail(const char *path, char *buf, size_t len);

/* Read a whole file (malloc'd, NUL-terminated). */
char *nb_read_file(const char *path, size_t *len, nb_err *err);
/* Write a whole file atomically (temporary + rename). */
bool nb_write_file(const char *path, const char *data, size_t len, nb_err *err);

bool nb_mkdir_p(const char *path, nb_err *err);

/* Fill a template: every @KEY@ becomes the matching value; writes out_path.
 * An @KEY@ without a value is an error (catches template/code drift). */
bool nb_fill_template(const char *template_path, const char *const *keys, const char *const *values,
                      int n, const char *out_path, nb_err *err);

/* A running 128-bit content hash (XXH3). */
typedef struct nb_hash nb_hash;
nb_hash *nb_hash_new(void);
void nb_hash_str(nb_hash *h, const char *s);
/* Adds the file's name (not its directory) and its contents. */
bool nb_hash_file(nb_hash *h, const char *path, nb_err *err);
/* Finish: 32 hex digits into out[33]; frees h. */
void nb_hash_hex(nb_hash *h, char out[33]);

/* Exclusive lock on `path` (created if needed); returns an fd to pass to
 * nb_unlock, or -1 with err set. */
int nb_lock(const char *path, nb_err *err);
void nb_unlock(int fd);

#endif
