/* Verilator toggle coverage (--coverage-toggle), as net name -> count.
 *
 * What a count is (measured with Verilator 5.006 on a counter): the number of
 * value changes of that bit, 0->1 and 1->0 alike -- a clock toggled for N
 * cycles counts 2N, bit 0 of a counter counts 1 per cycle. A bit whose first
 * evaluated value differs from Verilator's initial 0 counts one extra change.
 * So a count is directly the number of transitions that charge or discharge
 * the net. */
#ifndef NIBBLE_COVERAGE_H
#define NIBBLE_COVERAGE_H

#include "nibble/error.h"
#include "strmap.h"

typedef struct cost_coverage {
    cost_strmap names; /* decoded name: "x" for 1-bit signals, "x[3]" for bit 3 */
    double *count;     /* transitions, by name index */
    bool *matched;     /* for the caller: a netlist net used this record */
} cost_coverage;

/* Toggle records of `module` (page "v_toggle/<module>") from a Verilator
 * coverage file. Errors: unreadable, not a coverage file, malformed line, no
 * toggle records (for the module). */
bool cost_coverage_read(const char *path, const char *module, cost_coverage *cov, nb_err *err);
void cost_coverage_free(cost_coverage *cov);

/* Verilator's name encoding undone: "__0HH" is the character 0xHH (so
 * "u_array__02eclk_i" is "u_array.clk_i" and "a___05Fb" is "a__b"). */
void cost_coverage_decode(const char *raw, char *out, size_t len);

#endif
