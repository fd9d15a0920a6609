/* The power estimate's working state, shared by power_*.c. */
#ifndef NIBBLE_POWER_INTERNAL_H
#define NIBBLE_POWER_INTERNAL_H

#include "coverage.h"
#include "netlist.h"
#include "nibble/liberty.h"

/* One net bit of the netlist. */
typedef struct pw_net {
    double toggles; /* transitions over the whole run (coverage count) */
    double load;    /* capacitance it drives, library capacitance units */
    bool covered;   /* a coverage record names it (under any of its aliases) */
    bool used;      /* on a cell pin or a top-level port */
    bool clock;     /* drives a liberty clock pin */
    bool input;     /* a top-level input port bit */
} pw_net;

typedef struct pw_design {
    const char *lib_path, *json_path, *cov_path;
    nb_liberty *lib;
    cost_netlist nl;
    cost_coverage cov;
    const nb_lib_cell **cell;  /* liberty cell of each netlist cell */
    const nb_lib_pin ***pin;   /* liberty pin of each cell pin */
    pw_net *net;               /* by bit id, nl.max_bit + 1 entries */
} pw_design;

/* Liberty cell and pin for every netlist cell and pin; errors name the
 * instance, its type and both files. */
bool pw_bind_cells(pw_design *d, nb_err *err);
/* Toggles (coverage, matched through every alias of a bit), loads and flags
 * of every net; clock nets without coverage toggle 2 x cycles. Fails if the
 * coverage names mostly match nothing in the netlist (files from different runs). */
bool pw_build_nets(pw_design *d, unsigned long long cycles, nb_err *err);

#endif
