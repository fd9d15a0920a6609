/* The Verilog generator: writes a design's RTL, manifest and harness header. */
#ifndef NIBBLE_GEN_H
#define NIBBLE_GEN_H

#include <stdio.h>

#include "nibble/design.h"
#include "nibble/files.h"

/* Write the design into out_dir atomically: everything is produced in a
 * marked temporary sibling directory and swapped into place (nibble/output.h),
 * so on any error or kill out_dir is the old or the new design. An existing
 * out_dir is replaced only if it is empty or an earlier design nibble marked
 * (.nibble-output, kind design). */
bool nb_gen_write(const nb_design *d, const char *out_dir, nb_err *err);

/* The subfolder of a design directory holding reference-only modules (the
 * behavioural baseline PE), kept out of the design's own *.v. */
#define NB_GEN_REF_DIR "ref"

/* Verilog files of a generated directory in compile order (for tools). */
#define NB_GEN_MAX_FILES 80
#define NB_GEN_PATH_MAX 4608
/* The design's Verilog files from its files.f, as dir/name paths; returns
 * their number, or -1 with err set (no design there, or an empty list). */
int nb_gen_read_files(const char *dir, char (*out)[NB_GEN_PATH_MAX], nb_err *err);

/* Check every file of a design against the content hash its manifest
 * recorded (nb_design_load already checked the manifest's own). A file that
 * differs or is missing is an error naming it; with allow_edited_rtl a
 * differing Verilog (.v) file is only a warning on `warn` (for deliberately
 * broken RTL), never nibble_ports.h or files.f. */
bool nb_design_verify_files(const char *manifest_path, bool allow_edited_rtl, FILE *warn,
                            nb_err *err);

/* Where nibble's own data lives (rtl/, sim/, flows/, constraints/):
 * $NIBBLE_DATA_DIR, or the source tree the tool was built from. */
const char *nb_data_dir(void);


#endif
