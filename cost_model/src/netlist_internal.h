/* Shared between the netlist reader's files. */
#ifndef NIBBLE_NETLIST_INTERNAL_H
#define NIBBLE_NETLIST_INTERNAL_H

#include "netlist.h"

/* Rename the hidden ($-named) nets and cells as write_verilog would. */
bool cost_netlist_autoname(cost_netlist *nl, const bool *net_hidden, const bool *cell_hidden,
                           nb_err *err);

#endif
