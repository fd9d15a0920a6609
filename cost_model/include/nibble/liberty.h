/* A small reader for Liberty (.lib) cell libraries: the library's units and,
 * per cell, the area, leakage, pin capacitances and internal-power tables that
 * the gate-level power estimate (nibble/power.h) needs, what kind of cell it
 * is (combinational, flip-flop, latch) and whether nibble maps onto it, and
 * the flip-flops' fastest clock-to-Q and setup times. Other timing is not
 * read, nor pins inside bus/bundle groups (standard-cell libraries have none).
 *
 * Files may be gzip-compressed (.lib.gz, read through zlib; a file whose name
 * ends in .gz must be gzip). A library may come as several files (ASAP7
 * style): nb_liberty_read_files reads them as one library; they must share
 * their units.
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
    bool has_function;  /* a "function" attribute (outputs of mappable cells have one) */
    double capacitance; /* capacitance units; the mean of rise/fall_capacitance if only those are given */
    bool clock;         /* "clock : true" */
    nb_lib_power *power;
    int n_power;
} nb_lib_pin;

/* What a cell is, from its own groups (never from its name): an ff group
 * makes it a flip-flop, a latch group a latch. */
typedef enum { NB_LIB_COMBINATIONAL, NB_LIB_FLIP_FLOP, NB_LIB_LATCH } nb_lib_cell_kind;

typedef struct nb_lib_cell {
    char *name;
    nb_lib_cell_kind kind;
    /* NULL when synthesis may map onto the cell; else why it is left out of
     * mapping and of the gate-level model (a static string): an integrated
     * clock-gating cell, an output without a function, a cell without outputs
     * (fill, tap, antenna, decap), a scan flip-flop, dont_use. */
    const char *left_out;
    /* flip-flops: the smallest clock-to-Q delay (rising/falling_edge arcs,
     * cell_rise/cell_fall) and setup time (setup_rising/falling constraints)
     * over all tables, in time units; NAN when the cell gives none */
    double clock_to_q, setup;
    double area;    /* the library's area unit (um^2 by convention) */
    double leakage; /* cell_leakage_power (else the mean of leakage_power groups), leakage units */
    nb_lib_pin *pins;
    int n_pins;
} nb_lib_cell;

typedef struct nb_liberty {
    char *name;            /* library (NAME) of the first file */
    double time_unit_s;    /* time_unit ("1ns" -> 1e-9) */
    double cap_unit_f;     /* capacitive_load_unit (1,pf) -> 1e-12 */
    double voltage_unit_v; /* voltage_unit ("1V" -> 1) */
    double leakage_unit_w; /* leakage_power_unit ("1nW" -> 1e-9) */
    double energy_unit_j;  /* cap_unit_f * voltage_unit_v^2: internal-power table unit */
    double voltage;        /* supply in voltage units: default operating conditions, else nom_voltage */
    double nom_process, nom_voltage, nom_temperature; /* as written; NAN when absent */
    nb_lib_cell *cells;    /* sorted by name */
    int n_cells;
    int n_flip_flops, n_latches, n_left_out; /* counts over cells */
    /* The library as Liberty text holding only the cells synthesis may map
     * onto (left_out == NULL): the first file's text with the other cells
     * cut out, then the other files' templates and mappable cells, so Yosys
     * (dfflibmap, abc, read_liberty for cell models) and OpenSTA read one
     * plain file. NUL-terminated; mappable_len excludes the NUL. */
    char *mappable;
    size_t mappable_len;
} nb_liberty;

/* Read a .lib or .lib.gz file. Errors: unreadable file, a .gz file that is
 * not gzip or is truncated, syntax error (FILE:LINE), not a library, unknown
 * units, malformed tables. Free with nb_liberty_free. */
nb_liberty *nb_liberty_read(const char *path, nb_err *err);
/* Several files as one library (ASAP7 style). Errors as above, and: units
 * that differ between the files, a cell defined twice. */
nb_liberty *nb_liberty_read_files(const char *const *paths, int n, nb_err *err);
/* The same from text in memory; `where` names it in messages. */
nb_liberty *nb_liberty_parse(const char *text, size_t len, const char *where, nb_err *err);
void nb_liberty_free(nb_liberty *lib);

const nb_lib_cell *nb_liberty_cell(const nb_liberty *lib, const char *name);

/* A file's bytes as text: gunzipped when it is gzip (by its magic bytes; a
 * name ending in .gz must be gzip), else as stored. NUL-terminated; *len
 * excludes the NUL. `what` names its role in messages ("liberty"). */
char *nb_liberty_file_text(const char *path, const char *what, size_t *len, nb_err *err);

/* Provenance of one liberty file, for tables and reports: the library's
 * name, its nominal process, voltage (in volts, whatever its voltage_unit) and
 * temperature as written (NAN when absent),
 * and a checksum of the file as stored (compressed if it is a .gz). */
typedef struct nb_liberty_info {
    char name[256];         /* library (NAME) */
    char checksum[40];      /* "xxh128:" + 32 hex digits (the same as `xxhsum -H2 FILE`) */
    double nom_process, nom_voltage, nom_temperature;
    int n_cells;
} nb_liberty_info;
bool nb_liberty_info_read(const char *path, nb_liberty_info *info, nb_err *err);
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
