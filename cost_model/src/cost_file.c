/* Whole-file reading with messages that name the file and its role. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost_file.h"
#include "nibble/input_file.h"

char *cost_read_file(const char *path, const char *what, size_t *len, nb_err *err)
{
    /* regular files only: a FIFO or /dev/zero would never end */
    return nb_read_input(path, what, 0, len, err);
}
