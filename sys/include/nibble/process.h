/* Running external tools (Verilator, Yosys, OpenSTA, make, compilers). */
#ifndef NIBBLE_PROCESS_H
#define NIBBLE_PROCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "nibble/error.h"

/* Run argv (PATH lookup) in cwd (NULL: here) with stdout+stderr appended to
 * log_path. Returns the exit status, 127 if the tool cannot be started, or
 * 128 + signal. */
int nb_run_logged(char *const argv[], const char *log_path, const char *cwd);

/* First line of `tool --version`-like output (cached per tool), or an error
 * naming the missing tool and how to install it. */
bool nb_tool_version(const char *tool, const char *flag, char *buf, size_t len, nb_err *err);

#endif
