/* Opening a file the user named as an input. Only regular files are accepted:
 * a FIFO or a device (/dev/zero, /dev/stdin on a terminal) would make a reader
 * hang or loop forever, and a directory reads as an obscure error. The open
 * itself never blocks (a FIFO with no writer is refused, not waited on). */
#ifndef NIBBLE_INPUT_FILE_H
#define NIBBLE_INPUT_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "nibble/error.h"

/* Open `path` for reading; `what` names its role in messages ("codebook",
 * "--input file"). NULL with a message if it cannot be opened or is not a
 * regular file. */
FILE *nb_open_input(const char *path, const char *what, nb_err *err);

/* Read a whole regular file into a malloc'd, NUL-terminated buffer (the file
 * may itself contain NUL bytes; `*len` is its length). Refuses files larger
 * than `max` bytes with a message stating the limit (0: no limit). */
char *nb_read_input(const char *path, const char *what, size_t max, size_t *len, nb_err *err);

#endif
