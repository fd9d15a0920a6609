#ifndef NIBBLE_CLI_DESIGN_ARG_H
#define NIBBLE_CLI_DESIGN_ARG_H

#include <stddef.h>

#include "nibble/design.h"

/* Load a generated design from a manifest path or its directory; writes the
 * design directory to dir. */
nb_design *cli_load_design(const char *config, char *dir, size_t dir_len, nb_err *err);

#endif
