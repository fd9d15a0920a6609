/* Gate-level power from measured switching activity.
 *
 * Inputs: the liberty the netlist is mapped to, the netlist as Yosys JSON
 * (write_json of module nibble_top, from the same run as the Verilog netlist
 * or read back from it), and a Verilator toggle-coverage file from simulating
 * that Verilog netlist for `cycles` clock cycles of `clock_ns`.
 *
 * Per net bit: toggles t (coverage count = transitions, 0->1 and 1->0), load C
 * = sum of the input-pin capacitances it drives (no wire load: there is no
 * placement). Over the simulated time T = cycles x clock_ns:
 *   switching = sum t x C V^2 / 2 / T
 *   internal  = sum over cell outputs of t(out) x E(slew, C(out)) / T
 *             + sum over cell inputs with own internal_power of t(in) x E(slew) / T
 *               (a flip-flop's clock pin: its clock net toggles twice a cycle)
 *   leakage   = sum of the cells' cell_leakage_power
 * E is the liberty table energy, mean of rise and fall, at the given input
 * slew; an output with several related pins weights their tables by the
 * related nets' toggles. A clock net without coverage is taken to toggle
 * twice per cycle. All results in watts. */
#ifndef NIBBLE_POWER_H
#define NIBBLE_POWER_H

#include <stdbool.h>

#include "nibble/error.h"

typedef struct nb_power_report {
    double internal_w, switching_w, leakage_w, total_w;
    double input_activity;      /* mean toggles per cycle of the top-level data input bits (excluding the clock) */
    int nets_without_toggles;   /* netlist nets with no coverage record or zero count */
    int nets;                   /* nets considered */
} nb_power_report;

/* Errors (false, err filled, naming the file): missing or malformed liberty,
 * JSON or coverage file; coverage without toggle records, or whose names do
 * not match the netlist; a cell type or pin not in the liberty; cycles == 0;
 * clock_ns <= 0; input_slew_ns < 0. */
bool nb_power_estimate(const char *liberty_path, const char *netlist_json, const char *coverage_dat,
                       unsigned long long cycles, double clock_ns, double input_slew_ns,
                       nb_power_report *out, nb_err *err);

#endif
