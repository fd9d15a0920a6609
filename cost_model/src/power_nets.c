/* Net bits for the power estimate: which liberty cells and pins they touch,
 * their load capacitance, and their toggle counts from the coverage file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "power_internal.h"

/* More unmatched coverage records than this means the coverage and the netlist
 * JSON describe different netlists (or names were mapped wrongly). */
#define PW_MAX_UNMATCHED_FRACTION 0.10

bool pw_bind_cells(pw_design *d, nb_err *err)
{
    const cost_netlist *nl = &d->nl;
    d->cell = calloc((size_t)nl->n_cells + 1, sizeof *d->cell);
    d->pin = calloc((size_t)nl->n_cells + 1, sizeof *d->pin);
    if (!d->cell || !d->pin)
        return nb_fail(err, "out of memory estimating power");
    for (int i = 0; i < nl->n_cells; i++) {
        const cost_cell *c = &nl->cells[i];
        const nb_lib_cell *lc = nb_liberty_cell(d->lib, c->type);
        if (!lc)
            return nb_fail(err, "%s: cell %s is of type %s, which liberty %s does not define (was "
                           "the netlist mapped to this library?)", d->json_path, c->name, c->type,
                           d->lib_path);
        d->cell[i] = lc;
        d->pin[i] = calloc((size_t)c->n_pins + 1, sizeof *d->pin[i]);
        if (!d->pin[i])
            return nb_fail(err, "out of memory estimating power");
        for (int p = 0; p < c->n_pins; p++) {
            if (!(d->pin[i][p] = nb_lib_cell_pin(lc, c->pins[p])))
                return nb_fail(err, "%s: cell %s (%s) connects pin %s, which %s in liberty %s does "
                               "not have", d->json_path, c->name, c->type, c->pins[p], c->type,
                               d->lib_path);
        }
    }
    return true;
}

/* Loads, clock and port flags. Inputs and inouts load the net they sit on. */
static void net_structure(pw_design *d)
{
    const cost_netlist *nl = &d->nl;
    for (int i = 0; i < nl->n_cells; i++) {
        for (int p = 0; p < nl->cells[i].n_pins; p++) {
            int b = nl->cells[i].bits[p];
            const nb_lib_pin *lp = d->pin[i][p];
            if (b < 0)
                continue;
            d->net[b].used = true;
            if (lp->direction == NB_LIB_INPUT || lp->direction == NB_LIB_INOUT)
                d->net[b].load += lp->capacitance;
            if (lp->clock)
                d->net[b].clock = true;
        }
    }
    for (int i = 0; i < nl->n_ports; i++) {
        for (int k = 0; k < nl->ports[i].width; k++) {
            int b = nl->ports[i].bits[k];
            if (b >= 0) {
                d->net[b].used = true;
                d->net[b].input |= nl->ports[i].input;
            }
        }
    }
}

/* The coverage record for bit k of a netname: Verilator names bit k of a
 * vector "name[offset + k]" -- counted from the LSB even for [0:N] ranges
 * (checked with Verilator 5.006) -- and a 1-bit signal plain "name". */
static long record_of(const cost_coverage *cov, const cost_netname *nn, int k)
{
    char key[4200];
    if (nn->width == 1) {
        long r = cost_strmap_find(&cov->names, nn->name);
        if (r >= 0)
            return r;
    }
    if (snprintf(key, sizeof key, "%s[%d]", nn->name, nn->offset + k) >= (int)sizeof key)
        return -1;
    return cost_strmap_find(&cov->names, key);
}

/* Aliases (several netnames on one bit) are the same signal in the simulation
 * and count the same; the largest count is kept should they ever differ. */
static bool net_toggles(pw_design *d, nb_err *err)
{
    cost_coverage *cov = &d->cov;
    for (int i = 0; i < d->nl.n_names; i++) {
        const cost_netname *nn = &d->nl.names[i];
        for (int k = 0; k < nn->width; k++) {
            long r = record_of(cov, nn, k);
            int b = nn->bits[k];
            if (r < 0)
                continue;
            cov->matched[r] = true;
            if (b < 0)
                continue;
            if (!d->net[b].covered || cov->count[r] > d->net[b].toggles)
                d->net[b].toggles = cov->count[r];
            d->net[b].covered = true;
        }
    }
    size_t n = cov->names.n, unmatched = 0, first = 0;
    for (size_t r = n; r-- > 0;)
        if (!cov->matched[r]) {
            unmatched++;
            first = r;
        }
    if ((double)unmatched > PW_MAX_UNMATCHED_FRACTION * (double)n)
        return nb_fail(err, "coverage file %s does not describe netlist %s: %zu of its %zu toggle "
                       "records name no net of the netlist (e.g. '%s'); were both written by the "
                       "same synthesis run?", d->cov_path, d->json_path, unmatched, n,
                       cov->names.keys[first]);
    return true;
}

bool pw_build_nets(pw_design *d, unsigned long long cycles, nb_err *err)
{
    d->net = calloc((size_t)d->nl.max_bit + 1, sizeof *d->net);
    if (!d->net)
        return nb_fail(err, "out of memory estimating power");
    net_structure(d);
    if (!net_toggles(d, err))
        return false;
    for (int b = 0; b <= d->nl.max_bit; b++)
        if (d->net[b].clock && !d->net[b].covered)
            d->net[b].toggles = 2.0 * (double)cycles; /* a free-running clock */
    return true;
}
