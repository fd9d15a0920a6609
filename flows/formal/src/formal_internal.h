/* Pieces of the formal check shared between its files. */
#ifndef NIBBLE_FORMAL_INTERNAL_H
#define NIBBLE_FORMAL_INTERNAL_H

#include <stddef.h>

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

/* Block-scaled designs: write nibble_formal_stage.v (the RNE specification,
 * golden scale tables, the stage's paths and the miters). */
bool formal_emit_stage_check(const nb_design *d, const char *path, nb_err *err);
/* Write the stand-ins of the stage's arithmetic modules for the pipeline
 * proof (formal_stage.c). */
bool formal_emit_stage_standins(const nb_design *d, const char *path, nb_err *err);
/* Width of nibble_scale_prod's magnitude in the design. */
int formal_stage_mag_bits(const nb_design *d);
/* Does the term proof cover the exact product (E8M0 x E8M0 scales), or take
 * it from the design's nibble_scale_prod? */
bool formal_stage_term_full(const nb_design *d);

/* Prove the scale stage's obligations (formal_stage.c): one Yosys run each,
 * results into r->stage. */
bool formal_stage_check(const nb_design *d, const char *design_dir, const char *work_dir,
                        const char *only, nb_formal_result *r, FILE *log, nb_err *err);
/* Is every name of the comma list `only` an obligation's? */
bool formal_stage_names_valid(const char *only, nb_err *err);

/* The read_verilog lines of a design (its files.f, those in the
 * NULL-terminated `skip` left out) and then of `extra`; an error naming the
 * design when it has no files.f. */
bool formal_read_sources(FILE *f, const char *design_dir, const char *const *extra, int nextra,
                         const char *const *skip, nb_err *err);

/* Append to a fixed buffer, dropping what does not fit (counterexamples). */
void formal_append(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Append the model of a failed Yosys proof ("name value" per line, decimal,
 * or hex with `hex` and for signals over 32 bits) from the log text starting
 * at section; for a sequence only the rows of time step `step`. */
void formal_copy_model(const char *section, int step, bool hex, char *out, size_t size);

double formal_now(void);

#endif
