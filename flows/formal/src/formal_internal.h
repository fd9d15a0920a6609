/* Pieces of the formal check shared between its files. */
#ifndef NIBBLE_FORMAL_INTERNAL_H
#define NIBBLE_FORMAL_INTERNAL_H

#include "nibble/design.h"
#include "nibble/files.h"
#include "nibble/formal.h"
#include "nibble/process.h"

/* Write nibble_formal_check.v for the design: per format pair a golden table,
 * a combinational miter (decoders; the PE with shorted flip-flops) and a
 * sequential one (the clocked PE against a shorted copy). */
bool formal_emit_check(const nb_design *d, const char *path, nb_err *err);

/* Write the techmap file that shorts flip-flops (Q = D). */
bool formal_emit_short_map(const char *path, nb_err *err);

#endif
