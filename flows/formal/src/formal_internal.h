/* Pieces of the formal check shared between its files. */
#ifndef NIBBLE_FORMAL_INTERNAL_H
#define NIBBLE_FORMAL_INTERNAL_H

#include "nibble/design.h"
#include "nibble/formal.h"
#include "nibble/tools.h"

/* Write nibble_formal_check.v for the design. */
bool formal_emit_check(const nb_design *d, const char *path, nb_err *err);

#endif
