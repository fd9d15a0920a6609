/* nibble export: designs' measurements in other tools' formats (Accelergy's
 * ERT/ART for Timeloop, SCALE-Sim v2 configuration and topology). */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "design_arg.h"
#include "nibble/export.h"
#include "nibble/num.h"
#include "nibble/output.h"
#include "nibble/sweep.h"
#include "nibble/synth.h"
#include "nibble/workload.h"

static const char *CMD = "export";

#define MAX_DESIGNS 256

static void help(void)
{
    printf("usage: nibble export --config DIR [--config DIR ...] --accelergy OUT [options]\n"
           "       nibble export --sweep DIR --accelergy OUT\n"
           "       nibble export --config DIR --scalesim FILE.cfg [--gemm MxKxN --topology FILE.csv]\n\n"
           "--accelergy writes OUT/ERT.yaml and OUT/ART.yaml, Accelergy's energy and area\n"
           "reference tables (format 0.3, read by Timeloop), for every design given: energy in\n"
           "pJ per MAC in each format pair, per idle cycle and per weight-load cycle, of the\n"
           "array and of one PE, and their areas in um^2, each entry with its provenance\n"
           "(library, clock, workload, ...). Designs are synthesized with gate-level power as\n"
           "'nibble synth' does (cached); energies per action come from gate-level\n"
           "simulations of each phase on the synthesized netlist (cached beside it).\n"
           "OUT is an owned output (kind export), replaced atomically.\n\n"
           "--scalesim writes a SCALE-Sim v2 configuration of one design's array\n"
           "(ArrayHeight = rows, ArrayWidth = cols, Dataflow ws); --topology with --gemm a\n"
           "GEMM topology for SCALE-Sim's '-i gemm' mode. No synthesis is needed.\n\n"
           "  --config PATH       a design (manifest.json or its directory); repeatable\n"
           "  --sweep DIR         every design of a sweep directory ('nibble sweep -o DIR'),\n"
           "                      on the sweep's library and clock, from its cached results\n"
           "                      (implies --cached-only)\n"
           "  --accelergy DIR     write the Accelergy tables into DIR\n"
           "  --library NAME      library for synthesis (default osu018)\n"
           "  --liberty FILE      a liberty file of your own instead\n"
           "  --clock NS          clock period in ns (default: the library's)\n"
           "  --cached-only       use only synthesis results already in the cache (an error\n"
           "                      names a design that has none) instead of synthesizing\n"
           "  --scalesim FILE     write a SCALE-Sim v2 .cfg for the (single) design\n"
           "  --run-name NAME     its [general] run_name (default: from the design)\n"
           "  --sram KB,KB,KB     ifmap, filter, ofmap SRAM sizes (default 256,256,128)\n"
           "  --gemm MxKxN        a GEMM shape for --topology\n"
           "  --topology FILE     write the GEMM as a SCALE-Sim topology CSV\n"
           "  -q, --quiet         no progress lines\n"
           "  -h, --help          this text\n");
}

typedef struct export_args {
    const char *config[MAX_DESIGNS];
    int nconfig;
    const char *accelergy, *scalesim, *topology, *gemm, *run_name, *sweep;
    int sram[3];
    bool quiet;
    nb_synth_opts synth;
} export_args;

static bool parse_sram(const char *text, int kb[3], nb_err *err)
{
    char extra;
    if (sscanf(text, "%d,%d,%d%c", &kb[0], &kb[1], &kb[2], &extra) != 3 || kb[0] < 1 ||
        kb[1] < 1 || kb[2] < 1)
        return nb_fail(err, "--sram '%s': give three positive sizes in kB, e.g. 256,256,128", text);
    return true;
}

/* Before any work: the SCALE-Sim outputs may be written. */
static int check_scalesim(const export_args *a, const char *dir)
{
    nb_err err;
    size_t M, K, N;
    if (a->gemm && !nb_parse_gemm_shape(a->gemm, &M, &K, &N, &err))
        return cli_fail_err(CMD, &err);
    const char *inputs[] = {dir};
    if (!nb_output_file_check("--scalesim", a->scalesim, inputs, 1, &err) ||
        (a->topology && !nb_output_file_check("--topology", a->topology, inputs, 1, &err)))
        return cli_fail_err(CMD, &err);
    if (a->topology && strcmp(a->topology, a->scalesim) == 0)
        return cli_fail(CMD, "--scalesim and --topology both name %s; give two files", a->topology);
    return 0;
}

static int run_scalesim(const export_args *a, nb_design *d)
{
    nb_err err;
    size_t M = 0, K = 0, N = 0;
    if (a->gemm && !nb_parse_gemm_shape(a->gemm, &M, &K, &N, &err))
        return cli_fail_err(CMD, &err);
    char run[300];
    if (a->run_name) {
        snprintf(run, sizeof run, "%s", a->run_name);
    } else {
        char w[128], x[128];
        snprintf(w, sizeof w, "%s", d->weights_spec);
        snprintf(x, sizeof x, "%s", d->acts_spec);
        for (char *p = w; *p; p++)
            *p = *p == ',' || *p == ':' || *p == '/' ? '_' : *p;
        for (char *p = x; *p; p++)
            *p = *p == ',' || *p == ':' || *p == '/' ? '_' : *p;
        snprintf(run, sizeof run, "nibble_%s_x_%s_%dx%d", w, x, d->rows, d->cols);
    }
    nb_scalesim_opts o = {.run_name = run, .ifmap_kb = a->sram[0], .filter_kb = a->sram[1],
                          .ofmap_kb = a->sram[2]};
    char *cfg = nb_export_scalesim_cfg(d, &o, "nibble " NIBBLE_VERSION_STRING);
    char *topo = a->topology ? nb_export_scalesim_topology("nibble_gemm", M, K, N) : NULL;
    bool ok = cfg && (!a->topology || topo) ? true : nb_fail(&err, "out of memory");
    ok = ok && nb_output_file_write(a->scalesim, cfg, strlen(cfg), &err) &&
         (!a->topology || nb_output_file_write(a->topology, topo, strlen(topo), &err));
    free(cfg);
    free(topo);
    if (!ok)
        return cli_fail_err(CMD, &err);
    printf("SCALE-Sim configuration %s: %d x %d array, dataflow ws\n", a->scalesim, d->rows,
           d->cols);
    if (a->topology)
        printf("SCALE-Sim GEMM topology %s: M %zu, N %zu, K %zu (run with -i gemm)\n", a->topology,
               M, N, K);
    return 0;
}

static int run_accelergy(const export_args *a, nb_design **designs, char (*dirs)[4096])
{
    nb_err err;
    int n = a->nconfig;
    nb_synth_result *res = calloc((size_t)n, sizeof *res);
    nb_synth_actions *act = calloc((size_t)n, sizeof *act);
    nb_export_design *ex = calloc((size_t)n, sizeof *ex);
    bool ok = res && act && ex ? true : nb_fail(&err, "out of memory for %d designs", n);
    for (int i = 0; ok && i < n; i++) {
        ok = nb_synth_run(dirs[i], &a->synth, &res[i], &err);
        if (ok && !a->quiet)
            fprintf(stderr, "[export] %s: energies per action (gate-level simulation, cached)\n",
                    res[i].name);
        ok = ok && nb_synth_actions_measure(dirs[i], &a->synth, &res[i], &act[i], &err);
        if (ok)
            ex[i] = (nb_export_design){.design = designs[i], .result = &res[i], .actions = &act[i]};
        if (ok && !nb_synth_timing_met(&res[i]))
            fprintf(stderr, "nibble export: warning: %s misses timing at the %g ns clock (slack "
                    "%.3f ns): its energies are at a clock it cannot reach\n", res[i].name,
                    res[i].clock_ns, res[i].slack_ns);
    }
    ok = ok && nb_export_accelergy(a->accelergy, ex, (size_t)n, "nibble " NIBBLE_VERSION_STRING, &err);
    if (ok) {
        printf("Accelergy tables %s/ERT.yaml and %s/ART.yaml (format 0.3):\n", a->accelergy,
               a->accelergy);
        for (int i = 0; i < n; i++)
            printf("  %s on %s: MAC %.4g pJ, idle cycle %.4g pJ, weight-load cycle %.4g pJ; "
                   "array %.0f um^2, PE %.0f um^2\n", res[i].name, res[i].library,
                   act[i].mac_pj[0][0], act[i].idle_cycle_pj, act[i].load_cycle_pj,
                   res[i].area_array, res[i].area_pe);
    }
    free(res);
    free(act);
    free(ex);
    return ok ? 0 : cli_fail_err(CMD, &err);
}

/* The designs and synthesis options of a prepared sweep (plan.json). */
static bool load_sweep(const char *dir, nb_sweep_plan *plan, export_args *a, char *lib, size_t liblen,
                       char *sdc, size_t sdclen, nb_err *err)
{
    if (!nb_output_is_marked(dir, NB_OUTPUT_SWEEP))
        return nb_fail(err, "%s is not a sweep directory (it carries no sweep marker): give the "
                       "-o directory of a 'nibble sweep'", dir);
    if (!nb_sweep_load_plan(dir, plan, err))
        return false;
    char path[4200];
    snprintf(path, sizeof path, "%s/plan.json", dir);
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    const char *library = NULL, *liberty = NULL, *s = NULL;
    json_t *sdc_v = NULL;
    double clock = 0;
    int power = 0;
    bool ok = doc && json_unpack_ex(doc, &je, 0, "{s:{s:s, s:s, s:F, s:b, s?:o}}", "options",
                                    "library", &library, "liberty", &liberty, "clock_ns", &clock,
                                    "power", &power, "sdc", &sdc_v) == 0;
    if (ok && json_is_string(sdc_v))
        s = json_string_value(sdc_v);
    if (!ok) {
        json_decref(doc);
        nb_sweep_plan_free(plan);
        return nb_fail(err, "%s: no readable sweep options (%s); prepare the sweep again with "
                       "'nibble sweep -o %s'", path, je.text, dir);
    }
    if (!power) {
        json_decref(doc);
        nb_sweep_plan_free(plan);
        return nb_fail(err, "the sweep %s ran without power (--no-power): the energy tables need "
                       "gate-level power; run the sweep with power", dir);
    }
    /* a user liberty is recorded by path (library "user"), a named one by name */
    snprintf(lib, liblen, "%s", strcmp(library, "user") == 0 ? liberty : library);
    if (strcmp(library, "user") == 0)
        a->synth.liberty = lib;
    else
        a->synth.library = lib;
    /* the clock the sweep ran at: its SDC's, or the one recorded */
    if (s) {
        snprintf(sdc, sdclen, "%s", s);
        a->synth.sdc = sdc;
    } else {
        a->synth.clock_ns = clock;
    }
    a->synth.cached_only = true;
    json_decref(doc);
    return true;
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},   {"accelergy", required_argument, NULL, 'A'},
        {"library", required_argument, NULL, 'L'},  {"liberty", required_argument, NULL, 'l'},
        {"clock", required_argument, NULL, 'k'},    {"cached-only", no_argument, NULL, 'C'},
        {"scalesim", required_argument, NULL, 'S'}, {"run-name", required_argument, NULL, 'r'},
        {"sram", required_argument, NULL, 'm'},     {"gemm", required_argument, NULL, 'g'},
        {"topology", required_argument, NULL, 't'}, {"quiet", no_argument, NULL, 'q'},
        {"sweep", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    export_args a = {.sram = {256, 256, 128}, .synth = nb_synth_opts_default()};
    a.synth.log = stderr;
    nb_err err;
    int c;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            if (a.nconfig == MAX_DESIGNS)
                return cli_fail(CMD, "more than %d --config designs; export them in parts",
                                MAX_DESIGNS);
            a.config[a.nconfig++] = optarg;
            break;
        case 'A': a.accelergy = optarg; break;
        case 'L': a.synth.library = optarg; break;
        case 'l': a.synth.liberty = optarg; break;
        case 'k':
            if (!cli_parse_clock(optarg, &a.synth.clock_ns, &err))
                return cli_fail_err(CMD, &err);
            break;
        case 'C': a.synth.cached_only = true; break;
        case 'S': a.scalesim = optarg; break;
        case 'r': a.run_name = optarg; break;
        case 'm':
            if (!parse_sram(optarg, a.sram, &err))
                return cli_fail_err(CMD, &err);
            break;
        case 'g': a.gemm = optarg; break;
        case 't': a.topology = optarg; break;
        case 'w': a.sweep = optarg; break;
        case 'q': a.quiet = true, a.synth.log = NULL; break;
        case 'h': help(); return 0;
        default: return cli_bad_option(CMD, argv);
        }
    }
    if (optind < argc)
        return cli_fail(CMD, "unexpected argument '%s'", argv[optind]);
    if (!a.accelergy && !a.scalesim)
        return cli_fail(CMD, "nothing to export: give --accelergy DIR and/or --scalesim FILE");
    if (a.sweep && (a.nconfig || a.synth.library || a.synth.liberty || a.synth.clock_ns > 0))
        return cli_fail(CMD, "--sweep takes its designs, library and clock from the sweep: give no "
                        "--config, --library, --liberty or --clock with it");
    /* a sweep's designs and synthesis options, from its plan */
    nb_sweep_plan plan = {0};
    static char sweep_lib[1024], sweep_sdc[4096], design_paths[MAX_DESIGNS][4400];
    if (a.sweep) {
        if (!load_sweep(a.sweep, &plan, &a, sweep_lib, sizeof sweep_lib, sweep_sdc,
                        sizeof sweep_sdc, &err))
            return cli_fail_err(CMD, &err);
        for (int i = 0; i < plan.n && i < MAX_DESIGNS; i++) {
            snprintf(design_paths[i], sizeof design_paths[i], "%s/designs/%s", a.sweep,
                     plan.points[i].name);
            a.config[a.nconfig++] = design_paths[i];
        }
        int n = plan.n;
        nb_sweep_plan_free(&plan);
        if (n > MAX_DESIGNS)
            return cli_fail(CMD, "the sweep %s has %d designs, more than the %d one export takes",
                            a.sweep, n, MAX_DESIGNS);
    }
    if (!a.nconfig)
        return cli_fail(CMD, "--config is required: the design(s) from 'nibble gen' to export");
    if (a.scalesim && a.nconfig != 1)
        return cli_fail(CMD, "--scalesim describes one array: give exactly one --config (got %d)",
                        a.nconfig);
    if (!a.scalesim && (a.topology || a.gemm || a.run_name))
        return cli_fail(CMD, "--topology, --gemm and --run-name belong to --scalesim");
    if (a.accelergy && ((a.scalesim && strcmp(a.accelergy, a.scalesim) == 0) ||
                        (a.topology && strcmp(a.accelergy, a.topology) == 0)))
        return cli_fail(CMD, "--accelergy names a directory, --scalesim and --topology files: give "
                        "each its own path (%s)", a.accelergy);
    if (!!a.topology != !!a.gemm)
        return cli_fail(CMD, "--topology and --gemm go together: the file and the GEMM shape");
    if (a.run_name && (!a.run_name[0] || strpbrk(a.run_name, "\n\r[]=:;#")))
        return cli_fail(CMD, "--run-name '%s' must be a non-empty name without newlines or any of "
                        "[]=:;#", a.run_name);
    nb_design *designs[MAX_DESIGNS] = {0};
    char(*dirs)[4096] = calloc(MAX_DESIGNS, sizeof *dirs);
    if (!dirs)
        return cli_fail(CMD, "out of memory");
    int status = 0;
    for (int i = 0; i < a.nconfig && !status; i++) {
        designs[i] = cli_load_design(a.config[i], false, dirs[i], sizeof dirs[i], &err);
        if (!designs[i])
            status = cli_fail_err(CMD, &err);
    }
    /* every output and the synthesis setup are checked before any work; the
     * SCALE-Sim files (instant) are written after the Accelergy tables, so
     * a failed synthesis leaves nothing written */
    nb_output_state state;
    if (!status && a.accelergy &&
        (!nb_output_dir_check(a.accelergy, NB_OUTPUT_EXPORT, &state, &err) ||
         !nb_synth_check(&a.synth, &err)))
        status = cli_fail_err(CMD, &err);
    if (!status && a.scalesim)
        status = check_scalesim(&a, dirs[0]);
    if (!status && a.accelergy)
        status = run_accelergy(&a, designs, dirs);
    if (!status && a.scalesim)
        status = run_scalesim(&a, designs[0]);
    for (int i = 0; i < a.nconfig; i++)
        nb_design_free(designs[i]);
    free(dirs);
    return status;
}
