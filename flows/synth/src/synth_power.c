/* Power from real switching activity: the synthesized netlist (with cell
 * models made from the liberty's own functions) is simulated by Verilator on
 * a quantized t-distributed GEMM, in lock step with the C model (so the
 * netlist is also checked cycle by cycle), with toggle coverage on every net;
 * the toggles are weighted with the liberty's internal and switching energy
 * by the cost model (cost_model/). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nibble/gen.h"
#include "nibble/power.h"
#include "nibble/sim.h"
#include "nibble/files.h"
#include "nibble/hash.h"
#include "nibble/process.h"
#include "nibble/workload.h"
#include "synth_internal.h"

/* Verilog models of the library's cells from their liberty functions (cached
 * per liberty); coverage is off inside them: only the netlist's nets count. */
bool synth_cell_models(const synth_library *lib, char *path, size_t len, nb_err *err)
{
    nb_hash *h = nb_hash_new();
    nb_hash_str(h, "nibble-cells-1");
    char key[33];
    bool ok = nb_hash_file(h, lib->liberty, err);
    nb_hash_hex(h, key);
    if (!ok)
        return false;
    char dir[4200], raw[4300], logp[4300], script[8700];
    snprintf(dir, sizeof dir, "%s/cells/%s", nb_cache_dir(), key);
    snprintf(path, len, "%s/cells.v", dir);
    if (access(path, R_OK) == 0)
        return true;
    if (!nb_mkdir_p(dir, err))
        return false;
    snprintf(raw, sizeof raw, "%s/cells_raw.v", dir);
    snprintf(logp, sizeof logp, "%s/yosys.log", dir);
    snprintf(script, sizeof script, "read_liberty %s; write_verilog -noattr %s", lib->liberty, raw);
    char *argv[] = {"yosys", "-q", "-p", script, NULL};
    int rc = 0;
    if (!nb_run_tool(argv, logp, NULL, &rc, err))
        return false;
    if (rc != 0)
        return nb_fail(err, "yosys could not turn %s (its mappable copy %s) into cell models (log %s)",
                       lib->source, lib->liberty, logp);
    size_t n;
    char *body = nb_read_file(raw, &n, err);
    if (!body)
        return false;
    const char *head = "/* verilator coverage_off */\n/* verilator lint_off WIDTH */\n";
    size_t hl = strlen(head);
    char *all = malloc(hl + n + 1);
    if (!all) {
        free(body);
        return nb_fail(err, "out of memory");
    }
    memcpy(all, head, hl);
    memcpy(all + hl, body, n + 1);
    ok = nb_write_file(path, all, hl + n, err);
    free(body);
    free(all);
    return ok;
}

/* A realistic workload: t-distributed weights, t or ReLU'd t activations (for
 * activation format asel), a few tiles deep and wide. On a block-scaled
 * design it is a block-scaled GEMM (nb_workload_make) at least two blocks
 * deep, so the scale stage scales and accumulates as it would in use and its
 * switching is in the power figure. */
void synth_power_workload(const nb_design *d, int asel, nb_workload_spec *ws)
{
    nb_err err;
    size_t K = 4 * (size_t)d->rows;
    if (d->block_scaled && K < 2 * (size_t)d->block)
        K = 2 * (size_t)d->block; /* a multiple of the rows, as the block is */
    *ws = (nb_workload_spec){.M = 64, .K = K, .N = 2 * (size_t)d->cols, .group = 0, .seed = 1};
    bool relu = d->a[asel].is_overq || d->a[asel].encoding == NB_ENC_UNSIGNED;
    nb_dist_parse("t:5", &ws->wdist, &err);
    nb_dist_parse(relu ? "relu-t:5" : "t:5", &ws->adist, &err);
}

bool synth_power(const char *work, const char *design_dir, const nb_design *d,
                 const synth_library *lib, double clock_ns, nb_synth_result *r, FILE *log,
                 nb_err *err)
{
    char cells[4200], netlist[4300], coverage[4300], netjson[4300];
    if (!synth_cell_models(lib, cells, sizeof cells, err))
        return false;
    snprintf(netlist, sizeof netlist, "%s/array.v", work);
    snprintf(netjson, sizeof netjson, "%s/array.json", work);
    snprintf(coverage, sizeof coverage, "%s/coverage.dat", work);
    const char *files[] = {netlist, cells};
    nb_model_spec spec = {.design_dir = design_dir, .coverage = true, .netlist_files = files,
                          .n_netlist_files = 2};
    char so[4096];
    if (!nb_model_build_spec(&spec, so, sizeof so, log, err))
        return false;
    nb_backend *gl = nb_backend_load(d, so, design_dir, NB_HARNESS_RTL, coverage, "gate-level", err);
    nb_backend *cm = gl ? nb_cmodel_new(d, err) : NULL;
    nb_backend *b = cm ? nb_lockstep_new(gl, cm) : NULL;
    if (!b) {
        if (gl && !cm)
            nb_backend_free(gl);
        return false;
    }
    /* in the first formats of the sets */
    nb_workload_spec ws;
    synth_power_workload(d, 0, &ws);
    /* provenance: the workload behind every power figure of this result */
    char wd[64], ad[64];
    nb_dist_format(&ws.wdist, wd, sizeof wd);
    nb_dist_format(&ws.adist, ad, sizeof ad);
    snprintf(r->prov.workload, sizeof r->prov.workload, "gemm %zux%zux%zu weights %s in %s, acts %s in %s",
             ws.M, ws.K, ws.N, wd, d->block_scaled ? d->wblock.name : d->w[0].name, ad,
             d->block_scaled ? d->ablock.name : d->a[0].name);
    r->prov.seed = ws.seed;
    nb_workload wl;
    if (!nb_workload_make(d, 0, 0, &ws, &wl, err)) {
        nb_backend_free(b);
        return false;
    }
    size_t nres = nb_gemm_num_segments(&wl.job) * ws.M * ws.N;
    int64_t *out = calloc(nres, sizeof *out);
    nb_gemm_stats st;
    bool match = false;
    bool ok = (out ? nb_gemm_run(b, &wl.job, out, &st, err) : nb_fail(err, "out of memory")) &&
              nb_workload_matches(d, &wl, out, &match, err);
    if (ok) {
        r->gate_level_match = !nb_lockstep_mismatch(b)->found && match;
        r->power_cycles = st.cycles + 2; /* the driver's two reset cycles are simulated too */
        r->power_macs = st.macs;
    }
    nb_backend_free(b); /* writes the coverage file */
    free(out);
    nb_workload_free(&wl);
    if (!ok)
        return false;
    if (!r->gate_level_match)
        return nb_fail(err, "the synthesized netlist of %s disagrees with the C model (gate-level "
                       "simulation in %s): the synthesis flow changed the function", r->name, work);
    nb_power_report pw;
    if (!nb_power_estimate(lib->liberty, netjson, coverage, r->power_cycles, clock_ns,
                           lib->input_slew_ns, &pw, err))
        return false;
    r->has_power = true;
    r->power_internal_mw = pw.internal_w * 1e3;
    r->power_switching_mw = pw.switching_w * 1e3;
    r->power_leakage_mw = pw.leakage_w * 1e3;
    r->power_mw = pw.total_w * 1e3;
    r->input_activity = pw.input_activity;
    r->nets_without_toggles = pw.nets_without_toggles;
    /* energy per useful MAC over the whole run: mW x ns = pJ */
    r->energy_per_mac_pj = r->power_mw * clock_ns * (double)r->power_cycles / (double)r->power_macs;
    return true;
}
