/* Yosys-internal names ("$abc$5882$...") as write_verilog prints them.
 *
 * write_json and write_verilog run on the same design, but only write_json
 * keeps internal names; write_verilog (Yosys 0.23, backends/verilog,
 * reset_auto_counter) renames them "_<n>_": it numbers the internal wires in
 * module order, then the internal cells, from an offset one past the largest
 * public name of the form "_<digits>_", zero-padded to the digits the last
 * number needs. write_json lists wires and cells in that same order, so the
 * numbering can be replayed here. Checked against a netlist read back from
 * the Verilog (identical nets and cell pins on a 2x2 array). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlist_internal.h"

/* write_verilog's test for a public name that could collide with its numbers. */
static long numbered(const char *s)
{
    if (s[0] != '_' || s[1] == '\0')
        return -1;
    for (int i = 1; s[i]; i++) {
        if (s[i] == '_' && s[i + 1] == '\0')
            continue;
        if (s[i] < '0' || s[i] > '9')
            return -1;
    }
    return atol(s + 1);
}

static void bump(long *offset, const char *public_name)
{
    long n = numbered(public_name);
    if (n >= *offset)
        *offset = n + 1;
}

bool cost_netlist_autoname(cost_netlist *nl, const bool *net_hidden, const bool *cell_hidden,
                           nb_err *err)
{
    long offset = 0, count = 0;
    bump(&offset, nl->module);
    for (int i = 0; i < nl->n_names; i++) {
        if (net_hidden[i])
            count++;
        else
            bump(&offset, nl->names[i].name);
    }
    for (int i = 0; i < nl->n_cells; i++) {
        if (cell_hidden[i])
            count++;
        else
            bump(&offset, nl->cells[i].name);
        bump(&offset, nl->cells[i].type);
    }
    int digits = 1;
    for (long p = 10; p < offset + count; p *= 10)
        digits++;
    long next = offset;
    for (int pass = 0; pass < 2; pass++) {
        int n = pass ? nl->n_cells : nl->n_names;
        for (int i = 0; i < n; i++) {
            if (!(pass ? cell_hidden[i] : net_hidden[i]))
                continue;
            char **name = pass ? &nl->cells[i].name : &nl->names[i].name;
            char buf[32];
            snprintf(buf, sizeof buf, "_%0*ld_", digits, next++);
            char *c = malloc(strlen(buf) + 1);
            if (!c)
                return nb_fail(err, "out of memory naming the netlist's nets");
            strcpy(c, buf);
            free(*name);
            *name = c;
        }
    }
    return true;
}
