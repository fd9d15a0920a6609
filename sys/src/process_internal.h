/* Pieces of the tool runner shared between its source files. */
#ifndef NIBBLE_PROCESS_INTERNAL_H
#define NIBBLE_PROCESS_INTERNAL_H

#include "nibble/process.h"

/* CLOCK_MONOTONIC in seconds. */
double nb_monotonic(void);

/* nb_child_start with stdout+stderr on an open descriptor; c->tool must be set. */
bool nb_child_start_fd(nb_child *c, char *const argv[], int out_fd, const char *cwd, double limit,
                       nb_err *err);

#endif
