/* Whole-file reading for the cost model's inputs. */
#ifndef NIBBLE_COST_FILE_H
#define NIBBLE_COST_FILE_H

#include <stddef.h>

#include "nibble/error.h"

/* The file's bytes plus a terminating NUL (*len excludes it). `what` says what
 * the file is for in the message ("liberty", "coverage"). NULL on failure. */
char *cost_read_file(const char *path, const char *what, size_t *len, nb_err *err);

#endif
