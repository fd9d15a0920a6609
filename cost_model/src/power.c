/* nb_power_estimate: liberty energies weighted by measured toggles.
 *
 * Units, step by step:
 *   toggles            transitions over the run (coverage counts)
 *   loads              library capacitance units; x cap_unit_f -> F
 *   slew               input_slew_ns x 1e-9 / time_unit_s -> library time units
 *   table energies     library energy units (cap unit x voltage unit^2); x energy_unit_j -> J
 *   switching energy   0.5 C[F] V[V]^2 per transition -> J
 *   run time           T = cycles x clock_ns x 1e-9 -> s
 *   power              J / s -> W; leakage: cell_leakage_power x leakage_unit_w -> W */
#include <stdlib.h>
#include <string.h>

#include "nibble/power.h"
#include "power_internal.h"

/* Toggles of the nets on the cell's pins named in `related` ("A" or "A B"). */
static double related_toggles(const pw_design *d, int cell, const char *related)
{
    const cost_cell *c = &d->nl.cells[cell];
    double t = 0;
    for (int p = 0; p < c->n_pins; p++) {
        size_t n = strlen(c->pins[p]);
        for (const char *s = strstr(related, c->pins[p]); s; s = strstr(s + 1, c->pins[p])) {
            bool starts = s == related || s[-1] == ' ', ends = s[n] == '\0' || s[n] == ' ';
            if (starts && ends && c->bits[p] >= 0) {
                t += d->net[c->bits[p]].toggles;
                break;
            }
        }
    }
    return t;
}

/* Energy of one output transition, library energy units: the pin's
 * internal_power groups weighted by how often their related input toggled
 * (which input caused an output change is not recorded), or their plain mean
 * when no related input toggled or a group names none. */
static double output_energy(const pw_design *d, int cell, const nb_lib_pin *lp, double slew,
                            double load)
{
    double sum = 0, wsum = 0, plain = 0;
    bool weighted = true;
    for (int g = 0; g < lp->n_power; g++) {
        const nb_lib_power *p = &lp->power[g];
        double e = nb_lib_power_energy(p, slew, load);
        double w = p->related_pin ? related_toggles(d, cell, p->related_pin) : 0;
        weighted &= p->related_pin != NULL;
        sum += w * e;
        wsum += w;
        plain += e;
    }
    if (lp->n_power == 0)
        return 0;
    return weighted && wsum > 0 ? sum / wsum : plain / lp->n_power;
}

/* Energy of one transition of an input pin with its own internal_power
 * (flip-flop clock and data pins in OSU018), library energy units. */
static double input_energy(const nb_lib_pin *lp, double slew)
{
    double e = 0;
    for (int g = 0; g < lp->n_power; g++)
        e += nb_lib_power_energy(&lp->power[g], slew, 0);
    return lp->n_power ? e / lp->n_power : 0;
}

/* Internal energy of the whole run, J. */
static double internal_energy(const pw_design *d, double slew)
{
    double e = 0;
    for (int i = 0; i < d->nl.n_cells; i++) {
        const cost_cell *c = &d->nl.cells[i];
        for (int p = 0; p < c->n_pins; p++) {
            const nb_lib_pin *lp = d->pin[i][p];
            int b = c->bits[p];
            if (b < 0 || lp->n_power == 0)
                continue;
            const pw_net *n = &d->net[b];
            if (lp->direction == NB_LIB_OUTPUT || lp->direction == NB_LIB_INOUT)
                e += n->toggles * output_energy(d, i, lp, slew, n->load);
            else
                e += n->toggles * input_energy(lp, slew);
        }
    }
    return e * d->lib->energy_unit_j;
}

static void summarize(const pw_design *d, unsigned long long cycles, double slew, double seconds,
                      nb_power_report *out)
{
    const nb_liberty *lib = d->lib;
    double volts = lib->voltage * lib->voltage_unit_v, sw = 0, leak = 0, in_t = 0;
    int in_bits = 0;
    memset(out, 0, sizeof *out);
    for (int b = 0; b <= d->nl.max_bit; b++) {
        const pw_net *n = &d->net[b];
        if (!n->used)
            continue;
        out->nets++;
        out->nets_without_toggles += !n->covered || n->toggles == 0;
        sw += n->toggles * 0.5 * n->load * lib->cap_unit_f * volts * volts;
        if (n->input && !n->clock) {
            in_t += n->toggles;
            in_bits++;
        }
    }
    for (int i = 0; i < d->nl.n_cells; i++)
        leak += d->cell[i]->leakage;
    out->switching_w = sw / seconds;
    out->internal_w = internal_energy(d, slew) / seconds;
    out->leakage_w = leak * lib->leakage_unit_w;
    out->total_w = out->internal_w + out->switching_w + out->leakage_w;
    out->input_activity = in_bits ? in_t / in_bits / (double)cycles : 0;
}

static void design_free(pw_design *d)
{
    for (int i = 0; d->pin && i < d->nl.n_cells; i++)
        free(d->pin[i]);
    free(d->pin);
    free(d->cell);
    free(d->net);
    cost_coverage_free(&d->cov);
    cost_netlist_free(&d->nl);
    nb_liberty_free(d->lib);
}

bool nb_power_estimate(const char *liberty_path, const char *netlist_json, const char *coverage_dat,
                       unsigned long long cycles, double clock_ns, double input_slew_ns,
                       nb_power_report *out, nb_err *err)
{
    if (!liberty_path || !netlist_json || !coverage_dat || !out)
        return nb_fail(err, "nb_power_estimate: liberty, netlist JSON, coverage file and report "
                       "are all required");
    if (cycles == 0)
        return nb_fail(err, "power from %s: the simulation ran 0 cycles; toggles need a run of at "
                       "least one cycle", coverage_dat);
    if (!(clock_ns > 0))
        return nb_fail(err, "power from %s: the clock period must be positive (got %g ns)",
                       coverage_dat, clock_ns);
    if (!(input_slew_ns >= 0))
        return nb_fail(err, "power from %s: the input slew must be >= 0 (got %g ns)", coverage_dat,
                       input_slew_ns);
    pw_design d = {.lib_path = liberty_path, .json_path = netlist_json, .cov_path = coverage_dat};
    bool ok = (d.lib = nb_liberty_read(liberty_path, err)) != NULL &&
              cost_netlist_read(netlist_json, &d.nl, err) &&
              cost_coverage_read(coverage_dat, d.nl.module, &d.cov, err) && pw_bind_cells(&d, err) &&
              pw_build_nets(&d, cycles, err);
    if (ok) {
        double slew = input_slew_ns * 1e-9 / d.lib->time_unit_s;
        double seconds = (double)cycles * clock_ns * 1e-9;
        summarize(&d, cycles, slew, seconds, out);
    }
    design_free(&d);
    return ok;
}
