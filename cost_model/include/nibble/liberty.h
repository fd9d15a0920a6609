/* A small reader for Liberty (.lib) cell libraries: the library's units and,
 * per cell, the area, leakage, pin capacitances and internal-power tables that
 * the gate-level power estimate (nibble/power.h) needs. Timing is not read,
 * nor pins inside bus/bundle groups (standard-cell libraries have none).
 *
 * Numbers are kept in the library's own units; the nb_liberty *_unit fields
 * convert them to SI (multiply). Internal-power tables hold energy per
 * transition in capacitance unit x voltage unit^2 (the Liberty convention,
 * e.g. pF x V^2 = pJ), given by energy_unit_j. */
#ifndef NIBBLE_LIBERTY_H
#define NIBBLE_LIBERTY_H

#include <stdbool.h>
#include <stddef.h>

#include "nibble/error.h"

/* What a table index stands for (the template's variable_1/2). */
typedef enum {
    NB_LIB_AXIS_OTHER, /* anything else: evaluated at the index's first point */
    NB_LIB_AXIS_SLEW,  /* input_transition_time, input_net_transition */
    NB_LIB_AXIS_LOAD   /* total_output_net_capacitance (and similar output loads) */
} nb_lib_axis;

/* values[i * n2 + j] at (index_1[i], index_2[j]); 1-D tables have n2 == 1 and a
 * scalar n1 == n2 == 1. n1 == 0 means "no table". */
typedef struct nb_lib_table {
    int n1, n2;
    double *index_1, *index_2, *values;
    nb_lib_axis axis_1, axis_2;
} nb_lib_table;

/* One internal_power group. On an output pin related_pin names the input
 * whose transition causes the output's; on an input pin it is usually absent
 * (the energy of the pin's own transitions, e.g. a flip-flop's clock). */
typedef struct nb_lib_power {
    char *related_pin; /* NULL when absent; may list several pins separated by spaces */
    nb_lib_table rise, fall;
} nb_lib_power;

typedef enum { NB_LIB_INPUT, NB_LIB_OUTPUT, NB_LIB_INOUT, NB_LIB_INTERNAL } nb_lib_dir;

typedef struct nb_lib_pin {
    char *name;
    nb_lib_dir direction;
    double capacitance; /* capacitance units; the mean of rise/fall_capacitance if only those are given */
    bool clock;         /* "clock : true" */
    nb_lib_power *power;
    int n_power;
} nb_lib_pin;

typedef struct nb_lib_cell {
    char *name;
    double area;    /* the library's area unit (um^2 by convention) */
    double leakage; /* cell_leakage_power (else the mean of leakage_power groups), leakage units */
    nb_lib_pin *pins;
    int n_pins;
} nb_lib_cell;

typedef struct nb_liberty {
    char *name;
    double time_unit_s;    /* time_unit ("1ns" -> 1e-9) */
    double cap_unit_f;     /* capacitive_load_unit (1,pf) -> 1e-12 */
    double voltage_unit_v; /* voltage_unit ("1V" -> 1) */
    double leakage_unit_w; /* leakage_power_unit ("1nW" -> 1e-9) */
    double energy_unit_j;  /* cap_unit_f * voltage_unit_v^2: internal-power table unit */
    double voltage;        /* supply in voltage units: default operating conditions, else nom_voltage */
    nb_lib_cell *cells;    /* sorted by name */
    int n_cells;
} nb_liberty;

/* Read a .lib file. Errors: unreadable file, syntax error (FILE:LINE), not a
 * library, unknown units, malformed tables. Free with nb_liberty_free. */
nb_liberty *nb_liberty_read(const char *path, nb_err *err);
/* The same from text in memory; `where` names it in messages. */
nb_liberty *nb_liberty_parse(const char *text, size_t len, const char *where, nb_err *err);
void nb_liberty_free(nb_liberty *lib);

const nb_lib_cell *nb_liberty_cell(const nb_liberty *lib, const char *name);
const nb_lib_pin *nb_lib_cell_pin(const nb_lib_cell *cell, const char *name);

/* Bilinear interpolation at (slew, load), both in library units, each axis
 * taking the argument its nb_lib_axis names. Arguments outside the
 * characterized range are clamped to its edges: extrapolating energy tables
 * can go negative and the edges are the last measured points. */
double nb_lib_table_eval(const nb_lib_table *t, double slew, double load);

/* Energy of one transition, energy units: the mean of rise and fall (a net's
 * transitions alternate), or whichever of the two exists. */
double nb_lib_power_energy(const nb_lib_power *p, double slew, double load);

#endif
