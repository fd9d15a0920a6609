#ifndef NIBBLE_CLI_DESIGN_ARG_H
#define NIBBLE_CLI_DESIGN_ARG_H

#include <stdbool.h>
#include <stddef.h>

#include "nibble/design.h"

/* Load a generated design from a manifest path or its directory; writes the
 * design directory to dir. Every file of the design must match the content
 * hash its manifest recorded; allow_edited_rtl (--allow-edited-rtl) lets
 * hand-edited Verilog through with a warning on stderr. */
nb_design *cli_load_design(const char *config, bool allow_edited_rtl, char *dir, size_t dir_len,
                           nb_err *err);

/* The help line of --allow-edited-rtl, shared by sim, synth, formal, regress. */
#define CLI_ALLOW_EDITED_RTL_HELP                                                                  \
    "  --allow-edited-rtl  run Verilog files that differ from the content hashes in\n"            \
    "                      manifest.json (hand-edited RTL, e.g. a deliberately broken\n"          \
    "                      decoder); warns per file. The manifest and nibble_ports.h\n"           \
    "                      must still be as 'nibble gen' wrote them\n"

#endif
