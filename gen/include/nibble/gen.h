/* The Verilog generator: writes a design's RTL, manifest and harness header. */
#ifndef NIBBLE_GEN_H
#define NIBBLE_GEN_H

#include "nibble/design.h"

/* Write the design into out_dir atomically: everything is produced in a
 * temporary sibling directory and renamed into place, so on any error nothing
 * is left behind. An existing out_dir is replaced only if it is empty or holds
 * an earlier nibble output (a manifest.json). */
bool nb_gen_write(const nb_design *d, const char *out_dir, nb_err *err);

/* Verilog files of a generated directory in compile order (for tools). */
#define NB_GEN_MAX_FILES 80

/* Where nibble's own data lives (rtl/, sim/, flows/, constraints/):
 * $NIBBLE_DATA_DIR, or the source tree the tool was built from. */
const char *nb_data_dir(void);

/* Remove a directory tree (used for temporaries). */
void nb_remove_tree(const char *path);

#endif
