/* Energy per action (a MAC in every format pair, an idle cycle, a weight-load
 * cycle) from gate-level simulations of a cached synthesis result's netlist.
 *
 * Every run is its own simulation of the same Verilog netlist with toggle
 * coverage, weighted by the cost model exactly like the synthesis result's
 * power (same liberty, clock and input slew). The MAC runs replay
 * synthesis's power workload in each format pair, so pair (0, 0) reproduces
 * energy_per_mac_pj. Idle and weight-load energies come from pairs of runs
 * that share a prefix (reset, one tile of weights loaded) and differ only in
 * the number of idle or load cycles after it: the difference of their
 * energies over the difference of their cycles is the energy of one such
 * cycle, with nothing of the prefix (reset, first toggles from the initial
 * state) left in it. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nibble/files.h"
#include "nibble/power.h"
#include "nibble/process.h"
#include "nibble/sim.h"
#include "nibble/workload.h"
#include "synth_internal.h"

#define ACTIONS_VERSION "nibble-actions-2" /* 2: block-scaled MAC runs on block designs */
/* cycles after the prefix in the shorter and the longer run of a pair */
#define PHASE_SHORT 8
#define PHASE_LONG (PHASE_SHORT + 256)

typedef struct phase_ctx {
    const nb_design *d;
    const char *design_dir, *so, *work, *netjson, *entry;
    const synth_library *lib;
    double clock_ns;
    int runs;
} phase_ctx;

/* Free the backend (which writes the coverage) and weight its toggles:
 * the energy of the whole run in pJ. */
static bool run_energy(phase_ctx *c, nb_backend *b, const char *coverage, unsigned long long cycles,
                       double *pj, nb_err *err)
{
    nb_backend_free(b);
    nb_power_report pw;
    if (!nb_power_estimate(c->lib->liberty, c->netjson, coverage, cycles, c->clock_ns,
                           c->lib->input_slew_ns, &pw, err))
        return false;
    remove(coverage);
    /* W x ns = 1e3 pJ */
    *pj = pw.total_w * (double)cycles * c->clock_ns * 1e3;
    return true;
}

static nb_backend *open_run(phase_ctx *c, char *coverage, size_t len, nb_err *err)
{
    snprintf(coverage, len, "%s/coverage-%d.dat", c->work, c->runs++);
    return nb_backend_load(c->d, c->so, c->design_dir, NB_HARNESS_RTL, coverage, "gate-level", err);
}

/* Synthesis's power workload in formats (wsel, asel), checked against the C
 * model on every cycle and against the golden GEMM. */
static bool mac_run(phase_ctx *c, int wsel, int asel, double *pj, unsigned long long *cycles,
                    unsigned long long *macs, nb_err *err)
{
    const nb_design *d = c->d;
    nb_workload_spec ws;
    synth_power_workload(d, asel, &ws);
    nb_workload wl;
    if (!nb_workload_make(d, wsel, asel, &ws, &wl, err))
        return false;
    char coverage[4400];
    nb_backend *gl = open_run(c, coverage, sizeof coverage, err);
    nb_backend *cm = gl ? nb_cmodel_new(d, err) : NULL;
    nb_backend *b = cm ? nb_lockstep_new(gl, cm) : NULL;
    if (!b) {
        if (gl)
            nb_backend_free(gl);
        nb_workload_free(&wl);
        return false;
    }
    size_t nres = nb_gemm_num_segments(&wl.job) * ws.M * ws.N;
    int64_t *out = calloc(nres, sizeof *out);
    nb_gemm_stats st;
    bool match = false;
    bool ok = (out ? nb_gemm_run(b, &wl.job, out, &st, err)
                   : nb_fail(err, "out of memory for a %zu-result GEMM", nres)) &&
              nb_workload_matches(d, &wl, out, &match, err);
    match = match && !nb_lockstep_mismatch(b)->found;
    free(out);
    nb_workload_free(&wl);
    if (!ok) {
        nb_backend_free(b);
        return false;
    }
    *cycles = st.cycles + 2; /* the driver's two reset cycles are simulated too */
    *macs = st.macs;
    if (!run_energy(c, b, coverage, *cycles, pj, err))
        return false;
    if (!match)
        return nb_fail(err, "the netlist %s/array.v of %s disagrees with the C model in formats "
                       "%s x %s: the synthesis flow changed the function", c->entry, c->design_dir,
                       d->block_scaled ? d->wblock.name : d->w[wsel].name,
                       d->block_scaled ? d->ablock.name : d->a[asel].name);
    return true;
}

/* Reset, load one tile of real weights, then `extra` cycles that either hold
 * them (idle) or keep loading rows of further weights (load); no valid
 * activation throughout. Returns the energy of the run. */
static bool phase_run(phase_ctx *c, const nb_workload *wl, bool load, int extra, double *pj,
                      nb_err *err)
{
    const nb_design *d = c->d;
    size_t R = (size_t)d->rows, C = (size_t)d->cols, K = wl->job.K, N = wl->job.N;
    uint8_t *w = calloc(C, 1), *a = calloc(R, 1), *tags = calloc(R, 1);
    uint16_t *values = calloc(R, sizeof *values);
    int64_t *psum_in = calloc(C, sizeof *psum_in), *psum_out = calloc(C, sizeof *psum_out);
    char coverage[4400];
    nb_backend *b = w && a && tags && values && psum_in && psum_out
                        ? open_run(c, coverage, sizeof coverage, err)
                        : NULL;
    if (!b) {
        free(w), free(a), free(tags), free(values), free(psum_in), free(psum_out);
        return w && a && tags && values && psum_in && psum_out ? false
                                                               : nb_fail(err, "out of memory");
    }
    nb_port_in in = {.rst_n = false, .w_codes = w, .act_codes = a, .psum = psum_in,
                     .act_tags = tags, .act_values = values};
    nb_port_out out = {.psum = psum_out};
    unsigned long long cycles = 0;
    for (int i = 0; i < 2; i++, cycles++)
        nb_backend_step(b, &in, &out);
    in.rst_n = true;
    /* row i of the load sequence: rows of successive weight tiles of the
     * workload (the workload is 2 column blocks by 4 row blocks) */
    size_t rows_total = R + (load ? (size_t)extra : 0);
    for (size_t i = 0; i < rows_total; i++, cycles++) {
        size_t r = i % R, tile = i / R, kb = tile % (K / R), nb = (tile / (K / R)) % (N / C);
        for (size_t col = 0; col < C; col++)
            w[col] = wl->job.w_codes[(nb * C + col) * K + kb * R + r];
        in.w_load = true;
        in.w_row = (uint32_t)r;
        nb_backend_step(b, &in, &out);
    }
    in.w_load = false;
    memset(w, 0, C);
    for (int i = 0; !load && i < extra; i++, cycles++)
        nb_backend_step(b, &in, &out);
    free(w), free(a), free(tags), free(values), free(psum_in), free(psum_out);
    return run_energy(c, b, coverage, cycles, pj, err);
}

static bool phase_energy(phase_ctx *c, const nb_workload *wl, bool load, double *per_cycle,
                         nb_err *err)
{
    double e_short, e_long;
    if (!phase_run(c, wl, load, PHASE_SHORT, &e_short, err) ||
        !phase_run(c, wl, load, PHASE_LONG, &e_long, err))
        return false;
    *per_cycle = (e_long - e_short) / (PHASE_LONG - PHASE_SHORT);
    return true;
}

/* ---- cache ------------------------------------------------------------- */

static json_t *actions_to_json(const nb_synth_actions *a)
{
    json_t *mac = json_array(), *cyc = json_array(), *macs = json_array();
    for (int i = 0; i < a->nw; i++) {
        json_t *r1 = json_array(), *r2 = json_array(), *r3 = json_array();
        for (int j = 0; j < a->na; j++) {
            json_array_append_new(r1, json_real(a->mac_pj[i][j]));
            json_array_append_new(r2, json_integer((json_int_t)a->mac_cycles[i][j]));
            json_array_append_new(r3, json_integer((json_int_t)a->mac_macs[i][j]));
        }
        json_array_append_new(mac, r1);
        json_array_append_new(cyc, r2);
        json_array_append_new(macs, r3);
    }
    return json_pack("{s:s, s:i, s:i, s:o, s:o, s:o, s:f, s:f, s:I, s:I, s:I}", "version",
                     ACTIONS_VERSION, "nw", a->nw, "na", a->na, "mac_pj", mac, "mac_cycles", cyc,
                     "mac_macs", macs, "idle_cycle_pj", a->idle_cycle_pj, "load_cycle_pj",
                     a->load_cycle_pj, "idle_cycles", (json_int_t)a->idle_cycles, "load_cycles",
                     (json_int_t)a->load_cycles, "seed", (json_int_t)a->seed);
}

static bool actions_from_json(json_t *j, nb_synth_actions *a)
{
    const char *version;
    json_t *mac, *cyc, *macs;
    json_int_t ic, lc, seed;
    if (json_unpack(j, "{s:s, s:i, s:i, s:o, s:o, s:o, s:F, s:F, s:I, s:I, s:I}", "version",
                    &version, "nw", &a->nw, "na", &a->na, "mac_pj", &mac, "mac_cycles", &cyc,
                    "mac_macs", &macs, "idle_cycle_pj", &a->idle_cycle_pj, "load_cycle_pj",
                    &a->load_cycle_pj, "idle_cycles", &ic, "load_cycles", &lc, "seed", &seed) != 0 ||
        strcmp(version, ACTIONS_VERSION) != 0 || a->nw < 1 || a->nw > NB_SET_MAX || a->na < 1 ||
        a->na > NB_SET_MAX)
        return false;
    for (int i = 0; i < a->nw; i++)
        for (int k = 0; k < a->na; k++) {
            json_t *v = json_array_get(json_array_get(mac, (size_t)i), (size_t)k);
            json_t *c = json_array_get(json_array_get(cyc, (size_t)i), (size_t)k);
            json_t *m = json_array_get(json_array_get(macs, (size_t)i), (size_t)k);
            if (!json_is_number(v) || !json_is_integer(c) || !json_is_integer(m))
                return false;
            a->mac_pj[i][k] = json_number_value(v);
            a->mac_cycles[i][k] = (unsigned long long)json_integer_value(c);
            a->mac_macs[i][k] = (unsigned long long)json_integer_value(m);
        }
    a->idle_cycles = (unsigned long long)ic;
    a->load_cycles = (unsigned long long)lc;
    a->seed = (unsigned long long)seed;
    return true;
}

/* ---- the measurement ----------------------------------------------------- */

static bool measure(phase_ctx *c, const char *entry, nb_synth_actions *out, nb_err *err)
{
    const nb_design *d = c->d;
    char netlist[4400], cells[4400], script[9400], logp[4500], netjson[4500];
    snprintf(netlist, sizeof netlist, "%s/array.v", entry);
    if (access(netlist, R_OK) != 0)
        return nb_fail(err, "the synthesis cache entry %s holds no netlist (array.v): run 'nibble "
                       "synth --force' on the design to rebuild it", entry);
    if (!synth_script_path_ok("netlist", netlist, err) ||
        !synth_cell_models(c->lib, cells, sizeof cells, err))
        return false;
    /* the netlist JSON is read back from the Verilog as synthesis does it, so
     * the names match the toggle coverage */
    snprintf(netjson, sizeof netjson, "%s/array.json", c->work);
    snprintf(logp, sizeof logp, "%s/yosys.log", c->work);
    snprintf(script, sizeof script, "read_liberty -lib %s; read_verilog %s; hierarchy -top "
             "nibble_top; write_json %s", c->lib->liberty, netlist, netjson);
    char *argv[] = {"yosys", "-q", "-p", script, NULL};
    int rc = 0;
    if (!nb_run_tool(argv, logp, NULL, &rc, err))
        return false;
    if (rc != 0)
        return nb_fail(err, "yosys could not read back the netlist %s (log %s)", netlist, logp);
    c->netjson = netjson;
    const char *files[] = {netlist, cells};
    nb_model_spec spec = {.design_dir = c->design_dir, .coverage = true, .netlist_files = files,
                          .n_netlist_files = 2};
    char so[4096];
    if (!nb_model_build_spec(&spec, so, sizeof so, NULL, err))
        return false;
    c->so = so;
    out->nw = d->nw;
    out->na = d->na;
    for (int i = 0; i < d->nw; i++)
        for (int k = 0; k < d->na; k++)
            if (!mac_run(c, i, k, &out->mac_pj[i][k], &out->mac_cycles[i][k],
                         &out->mac_macs[i][k], err))
                return false;
    /* per useful MAC over the whole run, as synthesis defines it */
    for (int i = 0; i < d->nw; i++)
        for (int k = 0; k < d->na; k++)
            out->mac_pj[i][k] /= (double)out->mac_macs[i][k];
    nb_workload_spec ws;
    synth_power_workload(d, 0, &ws);
    nb_workload wl;
    if (!nb_workload_make(d, 0, 0, &ws, &wl, err))
        return false;
    out->seed = ws.seed;
    bool ok = phase_energy(c, &wl, false, &out->idle_cycle_pj, err) &&
              phase_energy(c, &wl, true, &out->load_cycle_pj, err);
    out->idle_cycles = out->load_cycles = PHASE_LONG - PHASE_SHORT;
    nb_workload_free(&wl);
    return ok;
}

bool nb_synth_actions_measure(const char *design_dir, const nb_synth_opts *o,
                              const nb_synth_result *r, nb_synth_actions *out, nb_err *err)
{
    memset(out, 0, sizeof *out);
    if (!r->has_power)
        return nb_fail(err, "%s was synthesized without power (--no-power): energies per action "
                       "need the gate-level power run", r->name);
    synth_library lib;
    if (!synth_library_resolve(o, &lib, err))
        return false;
    /* r->liberty is the user's files (lib.source); lib.liberty is the cache's
     * mappable copy of them */
    if (strcmp(lib.source, r->liberty) != 0)
        return nb_fail(err, "%s was synthesized on %s, not on the library given (%s)", r->name,
                       r->liberty, lib.source);
    char entry[4400], cached[4500];
    snprintf(entry, sizeof entry, "%s/synth/%s", nb_cache_dir(), r->key);
    snprintf(cached, sizeof cached, "%s/actions.json", entry);
    json_error_t jerr;
    json_t *j = access(cached, R_OK) == 0 ? json_load_file(cached, 0, &jerr) : NULL;
    bool hit = j && actions_from_json(j, out);
    json_decref(j);
    if (hit)
        return true;
    char manifest[4200];
    snprintf(manifest, sizeof manifest, "%s/manifest.json", design_dir);
    nb_design *d = nb_design_load(manifest, err);
    if (!d)
        return false;
    char work[4500];
    snprintf(work, sizeof work, "%s/actions.tmp-XXXXXX", entry);
    if (!mkdtemp(work)) {
        nb_design_free(d);
        return nb_fail(err, "cannot create a work directory in the synthesis cache entry %s: %s "
                       "(run 'nibble synth' on the design first)", entry, strerror(errno));
    }
    phase_ctx c = {.d = d, .design_dir = design_dir, .work = work, .lib = &lib,
                   .clock_ns = r->clock_ns, .entry = entry};
    bool ok = measure(&c, entry, out, err);
    if (ok) {
        json_t *js = actions_to_json(out);
        char *text = js ? json_dumps(js, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) : NULL;
        json_decref(js);
        char tmp[4600];
        snprintf(tmp, sizeof tmp, "%s/actions.json", work);
        /* written in the work directory, then renamed: a reader sees all or nothing */
        ok = text ? nb_write_file(tmp, text, strlen(text), err) : nb_fail(err, "out of memory");
        free(text);
        if (ok && rename(tmp, cached) != 0)
            ok = nb_fail(err, "cannot store %s: %s", cached, strerror(errno));
    }
    nb_remove_tree(work);
    nb_design_free(d);
    return ok;
}
