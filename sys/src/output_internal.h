/* Pieces shared by the output_*.c files of sys/. */
#ifndef NIBBLE_OUTPUT_INTERNAL_H
#define NIBBLE_OUTPUT_INTERNAL_H

#include <stdbool.h>
#include <sys/stat.h>

#include "nibble/output.h"

/* False, with the reason, if st (from lstat of path) is anything but a
 * regular file: a link, directory, device, FIFO or socket. `what` names the
 * path in the message ("--json", "output"). */
bool nb_output_regular_or_refuse(const char *what, const char *path, const struct stat *st,
                                 nb_err *err);

/* dir's marker is the beginning of this kind's marker text, cut short (empty
 * included): a run was killed while writing it, before anything else was put
 * in dir. */
bool nb_output_marker_unfinished(const char *dir, nb_output_kind kind);

/* The option that names an output of this kind ("-o" or "--work"). */
const char *nb_output_kind_option(nb_output_kind kind);

#endif
