/* A small VCD reader: loads the value changes of the signals whose
 * hierarchical names end with given suffixes (for mismatch diagnosis). */
#ifndef NIBBLE_VCD_H
#define NIBBLE_VCD_H

#include <stdbool.h>
#include <stdint.h>

#include "nibble/error.h"

typedef struct nb_vcd nb_vcd;

/* suffixes[i] like ".u_array.g_row[2].g_col[0].u_pe.psum_o" */
nb_vcd *nb_vcd_read(const char *path, const char *const *suffixes, int n, nb_err *err);
/* Value of signal i at `time` (the last change at or before it). False if the
 * signal was not found or has no value yet (or held x/z). */
bool nb_vcd_value(const nb_vcd *v, int i, int64_t time, uint64_t *out);
void nb_vcd_free(nb_vcd *v);

#endif
