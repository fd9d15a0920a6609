/* The Verilog generator: writes a design's RTL, manifest and harness header. */
#ifndef NIBBLE_GEN_H
#define NIBBLE_GEN_H

#include "nibble/design.h"
#include "nibble/files.h"

/* Write the design into out_dir atomically: everything is produced in a
 * marked temporary sibling directory and swapped into place (nibble/output.h),
 * so on any error or kill out_dir is the old or the new design. An existing
 * out_dir is replaced only if it is empty or an earlier design nibble marked
 * (.nibble-output, kind design). */
bool nb_gen_write(const nb_design *d, const char *out_dir, nb_err *err);

/* Verilog files of a generated directory in compile order (for tools). */
#define NB_GEN_MAX_FILES 80
#define NB_GEN_PATH_MAX 4608
/* The design's Verilog files from its files.f, as dir/name paths; returns
 * their number, or -1 with err set (no design there, or an empty list). */
int nb_gen_read_files(const char *dir, char (*out)[NB_GEN_PATH_MAX], nb_err *err);

/* Where nibble's own data lives (rtl/, sim/, flows/, constraints/):
 * $NIBBLE_DATA_DIR, or the source tree the tool was built from. */
const char *nb_data_dir(void);


#endif
