/* --library: the report on one library, or on several side by side.
 * The first library of the list drives the whole report; with more than one,
 * the report's PEs (and the E2M1 family and INT4 x INT4, for the paper's
 * ordering) are also synthesized on each of the others, and compared in
 * libraries.csv, plots/libraries.svg, a section of the report and a finding
 * per library. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/files.h"
#include "nibble/list.h"
#include "nibble/process.h"
#include "report_internal.h"

#define REPORT_ACC_BITS 24

bool rp_check_libraries(rp_report *r, nb_err *err)
{
    const nb_report_opts *o = r->o;
    nb_list l = {0};
    bool ok = nb_list_split(o->library ? o->library : "", ",", &l, err);
    if (ok && o->library && l.n == 0)
        ok = nb_fail(err, "--library is empty; give library names from constraints/libraries.json, "
                     "e.g. osu018 or osu018,nangate45");
    if (ok && l.n > RP_MAX_LIBS)
        ok = nb_fail(err, "--library %s: at most %d libraries side by side", o->library, RP_MAX_LIBS);
    for (int i = 0; ok && i < l.n; i++) {
        const char *name = l.items[i];
        /* a name becomes a directory (synth/libraries/NAME) and a plot title */
        if (strlen(name) >= sizeof r->libs[0].name || strspn(name, "abcdefghijklmnopqrstuvwxyz"
                                                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                   "0123456789_-+.") != strlen(name) ||
            name[0] == '.')
            ok = nb_fail(err, "--library %s: '%s' is not a library name (letters, digits and "
                         "'_-+.' up to %zu characters, as in constraints/libraries.json)",
                         o->library, name, sizeof r->libs[0].name - 1);
        for (int j = 0; ok && j < i; j++)
            if (!strcmp(l.items[j], name))
                ok = nb_fail(err, "--library %s: %s is listed twice", o->library, name);
    }
    /* every library must resolve (its liberty read, the tools there) before
     * anything is written; the default library when none is given */
    int n = l.n > 0 ? l.n : 1;
    for (int i = 0; ok && i < n; i++) {
        nb_synth_opts so = nb_synth_opts_default();
        so.library = l.n > 0 ? l.items[i] : NULL;
        so.power = o->power;
        nb_synth_setup setup;
        ok = nb_synth_check_setup(&so, &setup, err) ||
             nb_fail_prefix(err, "--library %s", so.library ? so.library : "(default)");
        if (ok)
            snprintf(r->libs[i].name, sizeof r->libs[i].name, "%s", l.n > 0 ? l.items[i] : setup.library);
    }
    r->nlibs = ok ? n : 0;
    nb_list_free(&l);
    return ok;
}

/* The PEs every library is measured on: each design's PE, the E2M1 family with
 * its own activations, and INT4 x INT4 (the paper's baseline). */
static bool plan_compared(rp_report *r, nb_sweep_plan *plan, nb_err *err)
{
    bool ok = true;
    for (int i = 0; ok && i < r->ndesigns; i++)
        if (r->designs[i].has_pe)
            ok = nb_sweep_add(plan, r->designs[i].pe.weights, r->designs[i].pe.acts, 1, 1,
                              REPORT_ACC_BITS, 0, NB_OVERQ_RANGE, false, err);
    for (int i = 0; ok && i < r->nextra; i++)
        ok = nb_sweep_add(plan, r->extra_pe[i].weights, r->extra_pe[i].acts, 1, 1, REPORT_ACC_BITS,
                          0, NB_OVERQ_RANGE, false, err);
    ok = ok && nb_sweep_add(plan, "int4", "int4", 1, 1, REPORT_ACC_BITS, 0, NB_OVERQ_RANGE, false, err);
    /* each PE once (a design PE may also be an E2M1-family one) */
    int n = 0;
    for (int i = 0; ok && i < plan->n; i++) {
        bool seen = false;
        for (int j = 0; j < n; j++)
            seen = seen || !strcmp(plan->points[j].name, plan->points[i].name);
        if (!seen)
            plan->points[n++] = plan->points[i];
    }
    if (ok)
        plan->n = n;
    if (ok && n > RP_MAX)
        ok = nb_fail(err, "too many PEs to compare across libraries (%d, at most %d)", n, RP_MAX);
    return ok;
}

bool rp_synthesize_libraries(rp_report *r, nb_err *err)
{
    if (r->nlibs < 2)
        return true;
    nb_sweep_plan plan = {0};
    bool ok = plan_compared(r, &plan, err);
    for (int i = 0; ok && i < plan.n; i++)
        r->cmp[i] = plan.points[i];
    r->ncmp = ok ? plan.n : 0;
    for (int l = 0; ok && l < r->nlibs; l++) {
        char rel[200], dir[4400];
        snprintf(rel, sizeof rel, "synth/libraries/%s", r->libs[l].name);
        rp_path(r, dir, sizeof dir, rel);
        nb_sweep_opts so = {.out_dir = dir, .jobs = r->o->jobs, .power = r->o->power,
                            .library = r->libs[l].name, .progress = r->o->progress,
                            .cancel = r->o->cancel};
        rp_progress(r, "library %s: synthesizing %d PEs (cached results are reused)",
                    r->libs[l].name, plan.n);
        int failed = -1;
        ok = nb_sweep_prepare(&plan, &so, err) && (failed = nb_sweep_run(&plan, &so, err)) == 0;
        if (!ok && failed > 0)
            nb_fail(err, "%d synthesis jobs failed on library %s; their logs are named above",
                    failed, r->libs[l].name);
        ok = ok && nb_sweep_collect(&plan, dir, &r->libs[l].pe, err);
    }
    nb_sweep_plan_free(&plan);
    return ok;
}

void rp_free_libraries(rp_report *r)
{
    for (int l = 0; l < RP_MAX_LIBS; l++) {
        free(r->libs[l].pe);
        r->libs[l].pe = NULL;
    }
}

const nb_synth_result *rp_library_pe(const rp_report *r, int lib, const char *weights, const char *acts)
{
    for (int i = 0; r->libs[lib].pe && i < r->ncmp; i++)
        if (!strcmp(r->cmp[i].weights, weights) && !strcmp(r->cmp[i].acts, acts))
            return &r->libs[lib].pe[i];
    return NULL;
}

static double energy(const nb_synth_result *s)
{
    return s && s->has_power ? s->energy_per_mac_pj : NAN;
}

/* The paper's ordering of PE area, INT4 < E2M1 < E2M1 with supernormal
 * support, checked on each library with the overheads in percent. */
void rp_library_findings(rp_report *r)
{
    size_t n = strlen(r->findings), cap = sizeof r->findings;
    for (int l = 0; r->nlibs > 1 && l < r->nlibs; l++) {
        const nb_synth_result *i4 = rp_library_pe(r, l, "int4", "int4"),
                              *e = rp_library_pe(r, l, "e2m1", "e2m1"),
                              *sr = rp_library_pe(r, l, "e2m1-sr", "e2m1-sr"),
                              *sp = rp_library_pe(r, l, "e2m1-sp", "e2m1-sp");
        if (!i4 || !e || !sr || !(i4->area_pe > 0) || !(e->area_pe > 0) || n >= cap)
            continue;
        bool holds = i4->area_pe < e->area_pe && e->area_pe < sr->area_pe;
        n += (size_t)snprintf(r->findings + n, cap - n,
            "- Library %s (%s, library %s): PE area INT4 x INT4 %.1f um^2, E2M1 x E2M1 %.1f um^2 "
            "(%+.2f%% over INT4), E2M1-SR x E2M1-SR %.1f um^2 (supernormal overhead %+.2f%% over "
            "E2M1)", r->libs[l].name, i4->prov.liberty_file, i4->prov.library_name, i4->area_pe,
            e->area_pe, 100 * (e->area_pe / i4->area_pe - 1), sr->area_pe,
            100 * (sr->area_pe / e->area_pe - 1));
        if (sp && n < cap)
            n += (size_t)snprintf(r->findings + n, cap - n, ", E2M1-SP x E2M1-SP %.1f um^2 (%+.2f%%)",
                                  sp->area_pe, 100 * (sp->area_pe / e->area_pe - 1));
        char energies[128] = "";
        if (i4->has_power && e->has_power && sr->has_power)
            snprintf(energies, sizeof energies, "; energy per MAC %.4g, %.4g, %.4g pJ",
                     energy(i4), energy(e), energy(sr));
        if (n < cap)
            n += (size_t)snprintf(r->findings + n, cap - n, "%s; fmax %.0f, %.0f, %.0f MHz: the "
                                  "paper's ordering INT4 < E2M1 < E2M1 with supernormal support "
                                  "%s.\n", energies, i4->fmax_mhz, e->fmax_mhz, sr->fmax_mhz,
                                  holds ? "holds"
                                  : i4->area_pe >= e->area_pe
                                      ? "does NOT hold here: E2M1 is not larger than INT4"
                                      : "does NOT hold here: the supernormal PE is not larger "
                                        "than E2M1 (a difference within ABC's mapping noise)");
    }
    if (n >= cap)
        snprintf(r->findings + cap - 6, 6, "...\n");
}

/* libraries.csv: one row per library and PE, with that result's provenance. */
bool rp_write_library_table(const rp_report *r, nb_err *err)
{
    if (r->nlibs < 2)
        return true;
    char *buf = NULL, path[4400];
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return nb_fail(err, "out of memory building libraries.csv");
    fputs("library,pe,weights,acts,pe_area_um2,fmax_mhz,timing_met,power_mw,energy_per_mac_pj,"
          "clock_ns,", f);
    nb_synth_csv_provenance_header(f);
    fputc('\n', f);
    for (int l = 0; l < r->nlibs; l++)
        for (int i = 0; i < r->ncmp; i++) {
            const nb_synth_result *s = &r->libs[l].pe[i];
            char pe[600];
            snprintf(pe, sizeof pe, "%s x %s", r->cmp[i].weights, r->cmp[i].acts);
            fprintf(f, "%s,", r->libs[l].name);
            nb_csv_quoted(f, pe, ",");
            nb_csv_quoted(f, r->cmp[i].weights, ",");
            nb_csv_quoted(f, r->cmp[i].acts, ",");
            fprintf(f, "%.6g,%.6g,%d,", s->area_pe, s->fmax_mhz, nb_synth_timing_met(s));
            if (s->has_power)
                fprintf(f, "%.6g,%.6g,", s->power_mw, s->energy_per_mac_pj);
            else
                fputs(",,", f);
            fprintf(f, "%.6g,", s->clock_ns);
            nb_synth_csv_provenance(f, s);
            fputc('\n', f);
        }
    rp_path(r, path, sizeof path, "libraries.csv");
    bool ok = nb_memstream_close(f, &buf, path, err) && nb_write_file(path, buf, len, err);
    free(buf);
    return ok;
}

json_t *rp_libraries_json(const rp_report *r)
{
    json_t *libs = json_array();
    for (int l = 0; libs && l < r->nlibs; l++) {
        json_t *pes = json_array();
        for (int i = 0; pes && r->libs[l].pe && i < r->ncmp; i++) {
            const nb_synth_result *s = &r->libs[l].pe[i];
            json_array_append_new(pes, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "weights",
                                                 r->cmp[i].weights, "acts", r->cmp[i].acts,
                                                 "pe_area_um2", rp_json_num(s->area_pe), "fmax_mhz",
                                                 rp_json_num(s->fmax_mhz), "energy_per_mac_pj",
                                                 rp_json_num(energy(s)), "result",
                                                 nb_synth_result_to_json(s)));
        }
        const nb_synth_result *i4 = r->nlibs > 1 ? rp_library_pe(r, l, "int4", "int4") : NULL,
                              *e = r->nlibs > 1 ? rp_library_pe(r, l, "e2m1", "e2m1") : NULL,
                              *sr = r->nlibs > 1 ? rp_library_pe(r, l, "e2m1-sr", "e2m1-sr") : NULL;
        json_t *order = i4 && e && sr
            ? json_pack("{s:b, s:o, s:o}", "holds",
                        i4->area_pe < e->area_pe && e->area_pe < sr->area_pe,
                        "e2m1_over_int4_pct", rp_json_num(100 * (e->area_pe / i4->area_pe - 1)),
                        "supernormal_over_e2m1_pct", rp_json_num(100 * (sr->area_pe / e->area_pe - 1)))
            : json_null();
        json_array_append_new(libs, json_pack("{s:s, s:b, s:o, s:o}", "name", r->libs[l].name,
                                              "primary", l == 0, "pes", pes ? pes : json_array(),
                                              "paper_ordering", order));
    }
    return libs;
}

/* plots/libraries.svg|png: PE area, fmax and energy per MAC of every compared
 * PE, one bar per library (log scales: libraries differ by an order of
 * magnitude in area). */
bool rp_write_library_plot(const rp_report *r, nb_err *err)
{
    if (r->nlibs < 2 || r->ncmp == 0)
        return true;
    char *data = NULL, *script = NULL;
    size_t ld = 0, ls = 0;
    FILE *fd = open_memstream(&data, &ld);
    if (!fd)
        return nb_fail(err, "out of memory building libraries.dat");
    bool any[3] = {false, false, false}; /* a panel only for a metric with a value (no energy
                                          * without power: gnuplot refuses an empty histogram) */
    for (int i = 0; i < r->ncmp; i++) {
        fprintf(fd, "%s x %s", r->cmp[i].weights, r->cmp[i].acts);
        for (int m = 0; m < 3; m++)
            for (int l = 0; l < r->nlibs; l++) {
                const nb_synth_result *s = &r->libs[l].pe[i];
                double v = m == 0 ? s->area_pe : m == 1 ? s->fmax_mhz : energy(s);
                fprintf(fd, isfinite(v) && v > 0 ? "\t%.6g" : "\tNaN", v);
                any[m] = any[m] || (isfinite(v) && v > 0);
            }
        fputc('\n', fd);
    }
    if (!nb_memstream_close(fd, &data, "libraries.dat", err))
        return false;
    FILE *fs = open_memstream(&script, &ls);
    if (!fs) {
        free(data);
        return nb_fail(err, "out of memory building libraries.gp");
    }
    static const char *const TITLE[] = {"PE area (um^2)", "fmax (MHz)", "energy per MAC (pJ)"};
    for (int t = 0; t < 2; t++) {
        fprintf(fs, "%s\nset output 'libraries.%s'\nset datafile separator '\\t'\n"
                    "set multiplot layout %d,1 title 'PEs on each library'\n"
                    "set style data histograms\nset style histogram clustered gap 1\n"
                    "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset grid ytics\n"
                    "set logscale y\nset key outside right top\n",
                t == 0 ? "set terminal svg size 900,1100 dynamic noenhanced font 'sans,11' background '#ffffff'"
                       : "set terminal pngcairo size 1200,1400 noenhanced font 'sans,11'",
                t == 0 ? "svg" : "png", any[0] + any[1] + any[2]);
        for (int m = 0; m < 3; m++) {
            if (!any[m])
                continue;
            fprintf(fs, "set ylabel '%s'\nset xtics rotate by -30\nplot ", TITLE[m]);
            for (int l = 0; l < r->nlibs; l++)
                fprintf(fs, "%s'libraries.dat' using %d%s title '%s'", l ? ", " : "",
                        2 + m * r->nlibs + l, l == 0 ? ":xtic(1)" : "", r->libs[l].name);
            fputc('\n', fs);
        }
        fputs("unset multiplot\nunset output\n", fs);
    }
    char dir[4400], path[4500], log[4500];
    rp_path(r, dir, sizeof dir, "plots");
    snprintf(path, sizeof path, "%s/libraries.dat", dir);
    bool ok = nb_memstream_close(fs, &script, "libraries.gp", err) &&
              nb_mkdir_p(dir, err) && nb_write_file(path, data, ld, err);
    snprintf(path, sizeof path, "%s/libraries.gp", dir);
    ok = ok && nb_write_file(path, script, ls, err);
    free(data);
    free(script);
    snprintf(log, sizeof log, "%s/gnuplot.log", dir);
    char *argv[] = {"gnuplot", "libraries.gp", NULL};
    int rc = 0;
    ok = ok && nb_run_tool(argv, log, dir, &rc, err);
    if (ok && rc != 0) {
        char tail[600];
        nb_file_tail(log, tail, sizeof tail);
        ok = nb_fail(err, "gnuplot failed on %s/libraries.gp: %s", dir, tail);
    }
    return ok;
}
