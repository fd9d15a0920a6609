/* A flat Yosys JSON netlist (write_json) of standard cells, with every net
 * and cell named as write_verilog names it, so names match the Verilog
 * netlist that was simulated. */
#ifndef NIBBLE_NETLIST_H
#define NIBBLE_NETLIST_H

#include "nibble/error.h"

/* Bits are Yosys net-bit ids (>= 2); constants ("0", "1", "x", "z") are -1. */
typedef struct cost_netname {
    char *name;  /* Verilog name: public names as is, internal ones as "_0123_" */
    int width, offset;
    int *bits;   /* LSB first, as in the JSON */
} cost_netname;

typedef struct cost_cell {
    char *name, *type;
    int n_pins;
    char **pins; /* pin names */
    int *bits;   /* the net bit on each pin (-1: constant or unconnected) */
} cost_cell;

typedef struct cost_port {
    char *name;
    bool input;  /* direction "input" (else output or inout) */
    int width;
    int *bits;
} cost_port;

typedef struct cost_netlist {
    char *module;
    cost_netname *names;
    int n_names;
    cost_cell *cells;
    int n_cells;
    cost_port *ports;
    int n_ports;
    int max_bit; /* largest bit id (arrays indexed by bit need max_bit + 1) */
} cost_netlist;

/* Module nibble_top, else the one marked top, else the only module that is
 * not a black box. Errors: unreadable file, bad JSON (with line:column), no
 * such module, a cell pin wider than one bit. */
bool cost_netlist_read(const char *path, cost_netlist *nl, nb_err *err);
void cost_netlist_free(cost_netlist *nl);

#endif
