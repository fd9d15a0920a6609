/* nb_synth_run: one design through Yosys and OpenSTA (and gate-level power),
 * cached by a content hash of everything that goes in. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nibble/gen.h"
#include "nibble/sim.h"
#include "nibble/files.h"
#include "nibble/hash.h"
#include "nibble/process.h"
#include "nibble/template.h"
#include "nibble/version.h"
#include "synth_internal.h"

#define NB_SYNTH_FORMAT "nibble-synth-5" /* bump when the flow code changes its results (4: units, mappable library; 5: provenance) */

nb_synth_opts nb_synth_opts_default(void)
{
    nb_synth_opts o = {.power = true};
    return o;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void describe(const nb_design *d, nb_synth_result *r)
{
    snprintf(r->weights, sizeof r->weights, "%s", d->weights_spec);
    snprintf(r->acts, sizeof r->acts, "%s", d->acts_spec);
    r->rows = d->rows;
    r->cols = d->cols;
    r->acc_bits = d->acc_bits;
    r->pipeline = d->pipeline;
    r->cascade = d->overq_index >= 0 ? d->cascade : -1;
    snprintf(r->acc_mode, sizeof r->acc_mode, "%s", nb_acc_mode_name(d->acc_mode));
    snprintf(r->overq_mode, sizeof r->overq_mode, "%s",
             d->overq_index >= 0 ? nb_overq_mode_name(d->overq_mode) : "");
    r->overq_encoder = d->overq_encoder;
    snprintf(r->name, sizeof r->name, "%s x %s %dx%d", d->weights_spec, d->acts_spec, d->rows, d->cols);
}

/* Everything a result depends on; the tool versions go into its provenance. */
static bool cache_key(const char *dir, char (*files)[4608], int nfiles, const synth_library *lib,
                      const char *sdc_template, const nb_synth_opts *o, bool block_scaled,
                      nb_synth_provenance *prov, char key[33], nb_err *err)
{
    char yv[256], sv[256], vv[256] = "", path[4300];
    if (!nb_tool_version("yosys", "-V", yv, sizeof yv, err) ||
        !nb_tool_version("sta", "-version", sv, sizeof sv, err) ||
        (o->power && !nb_tool_version("verilator", "--version", vv, sizeof vv, err)))
        return false;
    snprintf(prov->yosys, sizeof prov->yosys, "%s", yv);
    snprintf(prov->opensta, sizeof prov->opensta, "%s", sv);
    snprintf(prov->verilator, sizeof prov->verilator, "%s", vv);
    nb_hash *h = nb_hash_new();
    char clock[64], slew[64];
    snprintf(clock, sizeof clock, "%.9g", lib->clock_ns);
    snprintf(slew, sizeof slew, "%.9g", lib->input_slew_ns);
    /* the libraries.json entry the defaults came from: its input slew sets
     * the internal energies, hence the power */
    /* block-scaled designs' power runs block-scaled jobs (scale stage active)
     * since nibble-synth-5; results from before measured integer jobs only */
    const char *power = !o->power ? "no-power" : block_scaled ? "power-block-jobs" : "power";
    const char *salt[] = {NB_SYNTH_FORMAT, yv, sv, vv, clock, power,
                          slew, lib->entry_hash};
    for (size_t i = 0; i < sizeof salt / sizeof salt[0]; i++)
        nb_hash_str(h, salt[i]);
    bool ok = true;
    for (int i = 0; ok && i < nfiles; i++)
        ok = nb_hash_file(h, files[i], err);
    const char *flow_files[] = {"flows/scripts/synth.ys.in", "flows/scripts/sta.tcl.in"};
    for (size_t i = 0; ok && i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", nb_data_dir(), flow_files[i]);
        ok = nb_hash_file(h, path, err);
    }
    snprintf(path, sizeof path, "%s/" NB_GEN_REF_DIR "/nibble_pe_baseline.v", dir);
    if (ok && access(path, R_OK) == 0)
        ok = nb_hash_file(h, path, err);
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    ok = ok && nb_hash_file(h, path, err) && nb_hash_file(h, sdc_template, err) &&
         nb_hash_file(h, lib->liberty, err);
    nb_hash_hex(h, key);
    return ok;
}

static bool load_cached(const char *path, nb_synth_result *r, nb_err *err)
{
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);
    if (!j)
        return nb_fail(err, "corrupt cache entry %s: %s", path, jerr.text);
    bool ok = nb_synth_result_from_json(j, r, err);
    json_decref(j);
    return ok;
}

/* Replace every occurrence of `from` in the message by `to`. */
static void err_replace(nb_err *err, const char *from, const char *to)
{
    char out[NB_ERR_MAX];
    size_t n = 0, fl = strlen(from), tl = strlen(to);
    for (const char *p = err->msg; *p && n + 1 < sizeof out;) {
        if (fl && strncmp(p, from, fl) == 0 && n + tl + 1 < sizeof out) {
            memcpy(out + n, to, tl);
            n += tl;
            p += fl;
        } else {
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
    memcpy(err->msg, out, n + 1);
}

/* A failed run's work directory (tool logs, scripts, netlists) is kept as
 * root/failed/<key> (replacing an earlier failure of the same inputs), and the
 * error names the files there instead of the vanished temporary directory. */
static void keep_failed(const char *root, const char *key, const char *work, nb_err *err)
{
    char failed[4300], dest[4400];
    snprintf(failed, sizeof failed, "%s/failed", root);
    snprintf(dest, sizeof dest, "%s/%s", failed, key);
    nb_err e2;
    if (nb_mkdir_p(failed, &e2)) {
        nb_remove_tree(dest);
        if (rename(work, dest) == 0) {
            char big[4500]; /* the JSON netlist is large and fully described by array.v */
            snprintf(big, sizeof big, "%s/array.json", dest);
            remove(big);
            err_replace(err, work, dest);
            return;
        }
    }
    nb_remove_tree(work); /* a concurrent failure of the same run took the place */
    if (access(dest, F_OK) == 0)
        err_replace(err, work, dest);
}

static bool run_flow(const char *dir, const nb_design *d, char (*files)[4608], int nfiles,
                     const synth_library *lib, const char *sdc, const nb_synth_opts *o,
                     const char *work, nb_synth_result *r, nb_err *err)
{
    stat_report *st = malloc(sizeof *st);
    if (!st)
        return nb_fail(err, "out of memory");
    FILE *log = o->log;
    bool ok = true;
    /* the whole array, flat: area, cells, the netlist for timing and power */
    if (log)
        fprintf(log, "[synth] %s: yosys (array)\n", r->name);
    ok = synth_yosys(work, "array", files, nfiles, "nibble_top", true, true, lib, lib->clock_ns, st, err);
    if (ok) {
        r->area_array = stat_total_area(st, "nibble_top");
        r->cells_array = stat_total_cells(st, "nibble_top", lib->sequential, &r->flops_array);
    }
    /* one PE, flat, and hierarchical for its decoders */
    if (ok && (ok = synth_yosys(work, "pe", files, nfiles, "nibble_pe", true, false, lib, lib->clock_ns, st, err))) {
        r->area_pe = stat_total_area(st, "nibble_pe");
        r->cells_pe = stat_total_cells(st, "nibble_pe", lib->sequential, NULL);
    }
    if (ok && (ok = synth_yosys(work, "pe_hier", files, nfiles, "nibble_pe", false, false, lib, lib->clock_ns, st, err)))
        r->area_pe_decoders = stat_total_area(st, "nibble_wdec") + stat_total_area(st, "nibble_adec");
    char baseline[4608];
    snprintf(baseline, sizeof baseline, "%s/" NB_GEN_REF_DIR "/nibble_pe_baseline.v", dir);
    if (ok && access(baseline, R_OK) == 0 &&
        (ok = synth_yosys(work, "baseline", &baseline, 1, "nibble_pe_baseline", true, false, lib, lib->clock_ns, st, err)))
        r->area_pe_baseline = stat_total_area(st, "nibble_pe_baseline");
    if (ok && d->overq_encoder &&
        (ok = synth_yosys(work, "encoder", files, nfiles, "nibble_overq_encoder", true, false, lib, lib->clock_ns, st, err)))
        r->area_encoder = stat_total_area(st, "nibble_overq_encoder");
    free(st);
    /* power from gate-level toggles (also measures the input activity for OpenSTA) */
    r->input_activity = 0.1;
    if (ok && o->power) {
        if (log)
            fprintf(log, "[synth] %s: gate-level simulation for power\n", r->name);
        ok = synth_power(work, dir, d, lib, lib->clock_ns, r, log, err);
    }
    sta_result sta = {0};
    if (ok) {
        if (log)
            fprintf(log, "[synth] %s: OpenSTA\n", r->name);
        ok = synth_sta(work, lib, sdc, r->input_activity, &sta, err);
    }
    if (ok) {
        r->slack_ns = sta.slack_ns;
        r->critical_ns = r->clock_ns - sta.slack_ns;
        r->fmax_mhz = r->critical_ns > 0 ? 1000.0 / r->critical_ns : 0;
        r->sta_power_mw = sta.power_w * 1000;
    }
    return ok;
}

bool nb_synth_check_setup(const nb_synth_opts *o, nb_synth_setup *setup, nb_err *err)
{
    synth_library lib;
    char v[256];
    if (!synth_library_resolve(o, &lib, err) || !nb_tool_version("sta", "-version", v, sizeof v, err) ||
        (o->power && !nb_tool_version("verilator", "--version", v, sizeof v, err)))
        return false;
    if (setup) {
        snprintf(setup->library, sizeof setup->library, "%s", lib.name);
        snprintf(setup->liberty, sizeof setup->liberty, "%s", lib.source);
        setup->clock_ns = lib.clock_ns;
        setup->min_clock_ns = lib.min_period_ns;
    }
    return true;
}

bool nb_synth_check(const nb_synth_opts *o, nb_err *err)
{
    return nb_synth_check_setup(o, NULL, err);
}

bool nb_synth_run(const char *design_dir, const nb_synth_opts *o, nb_synth_result *r, nb_err *err)
{
    double t0 = now();
    memset(r, 0, sizeof *r);
    char manifest[4200];
    snprintf(manifest, sizeof manifest, "%s/manifest.json", design_dir);
    nb_design *d = nb_design_load(manifest, err);
    if (!d)
        return false;
    describe(d, r);
    synth_library lib;
    char (*files)[4608] = calloc(NB_GEN_MAX_FILES, sizeof *files);
    int nfiles = files ? nb_gen_read_files(design_dir, files, err) : -1;
    bool ok = nfiles > 0 && synth_library_resolve(o, &lib, err);
    char sdc_template[4200], sdc[4300];
    if (ok && o->sdc) {
        snprintf(sdc_template, sizeof sdc_template, "%s", o->sdc); /* its period: in lib.clock_ns */
    } else {
        snprintf(sdc_template, sizeof sdc_template, "%s/constraints/clock.sdc.in", nb_data_dir());
    }
    snprintf(r->library, sizeof r->library, "%s", lib.name);
    snprintf(r->liberty, sizeof r->liberty, "%s", lib.source);
    r->clock_ns = lib.clock_ns;
    ok = ok && cache_key(design_dir, files, nfiles, &lib, sdc_template, o, d->block_scaled,
                           &r->prov, r->key, err);
    char dir[4300], result[4400], root[4200];
    snprintf(root, sizeof root, "%s/synth", nb_cache_dir());
    snprintf(dir, sizeof dir, "%s/%s", root, r->key);
    snprintf(result, sizeof result, "%s/result.json", dir);
    if (ok && !o->force && access(result, R_OK) == 0) {
        char name[256];
        snprintf(name, sizeof name, "%s", r->name);
        ok = load_cached(result, r, err);
        snprintf(r->name, sizeof r->name, "%s", name);
        /* the files as found now (the cache key holds their contents) */
        snprintf(r->library, sizeof r->library, "%s", lib.name);
        snprintf(r->liberty, sizeof r->liberty, "%s", lib.source);
        r->cached = true;
        r->seconds = now() - t0;
        free(files);
        nb_design_free(d);
        return ok;
    }
    if (ok && o->cached_only) {
        ok = nb_fail(err, "%s (%s) has no synthesis result in the cache for library %s at %g ns "
                     "(%s): run 'nibble synth --config %s' with the same library and clock first",
                     r->name, design_dir, lib.name, lib.clock_ns, dir, design_dir);
        free(files);
        nb_design_free(d);
        return false;
    }
    /* provenance of what this run measures (a cached result keeps its own) */
    snprintf(r->prov.nibble_version, sizeof r->prov.nibble_version, "%s", nb_version());
    snprintf(r->prov.nibble_commit, sizeof r->prov.nibble_commit, "%s", nb_build_commit());
    ok = ok && synth_liberty_identity(&lib, &r->prov, err);
    /* every path the scripts name, checked before a tool runs */
    for (int i = 0; ok && i < nfiles; i++)
        ok = synth_script_path_ok("design file", files[i], err);
    ok = ok && synth_script_path_ok("liberty file", lib.liberty, err) &&
         (!o->sdc || synth_script_path_ok("SDC file", o->sdc, err)) &&
         synth_script_path_ok("cache directory", root, err);
    char work[4400] = "";
    if (ok && nb_mkdir_p(root, err)) {
        snprintf(work, sizeof work, "%s.tmp-XXXXXX", dir);
        if (!mkdtemp(work))
            ok = nb_fail(err, "cannot create a work directory under %s: %s", root, strerror(errno));
    } else {
        ok = false;
    }
    if (ok && !o->sdc) {
        char period[32];
        snprintf(period, sizeof period, "%.6g", lib.clock_ns);
        const char *keys[] = {"PERIOD_NS"};
        const char *vals[] = {period};
        snprintf(sdc, sizeof sdc, "%s/clock.sdc", work);
        ok = nb_fill_template(sdc_template, keys, vals, 1, sdc, err);
    } else {
        snprintf(sdc, sizeof sdc, "%s", o->sdc ? o->sdc : "");
    }
    ok = ok && run_flow(design_dir, d, files, nfiles, &lib, sdc, o, work, r, err);
    if (ok) {
        json_t *j = nb_synth_result_to_json(r);
        char path[4500], *text = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
        json_decref(j);
        snprintf(path, sizeof path, "%s/result.json", work);
        ok = text ? nb_write_file(path, text, strlen(text), err)
                  : nb_fail(err, "cannot encode the synthesis result of %s as JSON (out of "
                            "memory, or a name or path that is not UTF-8)", r->name);
        free(text);
        /* the netlist JSON is large and fully described by the Verilog */
        snprintf(path, sizeof path, "%s/array.json", work);
        remove(path);
        if (ok && rename(work, dir) != 0) {
            char old[4500];
            snprintf(old, sizeof old, "%s.old-%ld", dir, (long)getpid());
            if (errno != ENOTEMPTY && errno != EEXIST)
                ok = nb_fail(err, "cannot store the result in %s: %s", dir, strerror(errno));
            /* a concurrent run stored the same result first; --force replaces
             * it, so the entry (and its provenance) is this run's */
            else if (o->force && rename(dir, old) == 0) {
                if (rename(work, dir) != 0)
                    ok = nb_fail(err, "cannot store the result in %s: %s", dir, strerror(errno));
                nb_remove_tree(old);
            }
        }
    }
    if (work[0] && access(work, F_OK) == 0 && !ok)
        keep_failed(root, r->key, work, err);
    else if (work[0] && access(work, F_OK) == 0 && access(result, R_OK) == 0)
        nb_remove_tree(work);
    r->seconds = now() - t0;
    free(files);
    nb_design_free(d);
    return ok;
}
