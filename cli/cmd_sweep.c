/* nibble sweep: synthesize many designs (presets or a grid) in parallel into one table. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "nibble/list.h"
#include "nibble/sweep.h"

static const char *CMD = "sweep";

static void help(void)
{
    printf("usage: nibble sweep -o DIR [--preset NAME]... [--weights L --acts L --sizes L] [options]\n\n"
           "Generates every design of the sweep into DIR/designs, synthesizes each with\n"
           "'nibble synth' (cached: unchanged designs are instant), N jobs at a time, and\n"
           "writes one row per design to DIR/synth.csv and DIR/synth.json. Without a preset\n"
           "or grid it runs the pe-formats preset. Once the options and designs are\n"
           "checked, preparing a sweep removes an earlier sweep's table, plan, job lists,\n"
           "results and logs from DIR; DIR must be new, empty or a sweep directory nibble\n"
           "marked (.nibble-output), anything else is refused. Presets:\n");
    nb_sweep_list_presets(stdout);
    printf("\n  -o, --out DIR       the sweep directory (required)\n"
           "  --preset NAME       add a preset's designs (repeatable)\n"
           "  --weights LIST      a grid: each weight format in LIST (';' separates format\n"
           "  --acts LIST           sets, ',' formats within a set) x each activation set\n"
           "  --sizes LIST          x each RxC size in LIST (default 1x1)\n"
           "  --acc-bits N        accumulator width of grid designs (default 24)\n"
           "  -j, --jobs N        parallel jobs (default: the number of processors)\n"
           "  --no-power          area and timing only\n"
           "  --force             ignore the synthesis cache\n"
           "  --library NAME, --liberty FILE, --liberty-dir DIR, --clock NS, --sdc FILE\n"
           "                      as for nibble synth\n"
           "  --emit-jobs KIND    only prepare, and write a job list: make, parallel or slurm\n"
           "  --collect           only gather DIR/results into the table (after --emit-jobs);\n"
           "                      refuses missing results and results made with other options\n"
           "  -h, --help          this text\n");
}

static bool add_grid(nb_sweep_plan *plan, const char *weights, const char *acts, const char *sizes,
                     int acc_bits, nb_err *err)
{
    nb_list w = {0}, a = {0}, s = {0};
    bool ok = nb_list_split(weights, ";", &w, err) && nb_list_split(acts, ";", &a, err) &&
              nb_list_split(sizes ? sizes : "1x1", ",", &s, err);
    if (ok && (w.n == 0 || a.n == 0 || s.n == 0))
        ok = nb_fail(err, "--%s: the list is empty; give at least one item",
                     w.n == 0 ? "weights" : a.n == 0 ? "acts" : "sizes");
    for (int k = 0; ok && k < s.n; k++) {
        int r, c;
        ok = cli_parse_size("--sizes", s.items[k], NB_ARRAY_DIM_MAX, &r, &c, err);
        for (int i = 0; ok && i < w.n; i++)
            for (int j = 0; ok && j < a.n; j++)
                ok = nb_sweep_add(plan, w.items[i], a.items[j], r, c, acc_bits, 1, NB_OVERQ_RANGE,
                                  false, err);
    }
    nb_list_free(&w);
    nb_list_free(&a);
    nb_list_free(&s);
    return ok;
}

/* The figures people look for first, from the table. */
static void summarize(const nb_sweep_plan *plan, const nb_synth_result *r)
{
    printf("\n%-44s %10s %10s %8s %9s %8s %9s\n", "design", "PE um^2", "array um^2", "fmax MHz",
           "power mW", "pJ/MAC", "PE/base");
    for (int i = 0; i < plan->n; i++) {
        printf("%-44s %10.0f %10.0f %8.1f ", plan->points[i].name, r[i].area_pe, r[i].area_array,
               r[i].fmax_mhz);
        if (r[i].has_power)
            printf("%9.4f %8.3f ", r[i].power_mw, r[i].energy_per_mac_pj);
        else
            printf("%9s %8s ", "-", "-");
        if (r[i].area_pe_baseline > 0)
            printf("%9.3f\n", r[i].area_pe / r[i].area_pe_baseline);
        else
            printf("%9s\n", "-");
    }
    /* the paper's comparison: INT4 < E2M1 < E2M1 with supernormal support */
    const nb_synth_result *i4 = NULL, *e = NULL, *sr = NULL, *sp = NULL;
    for (int i = 0; i < plan->n; i++) {
        const nb_sweep_point *p = &plan->points[i];
        if (p->rows != 1 || p->cols != 1 || strcmp(p->weights, p->acts) != 0)
            continue;
        if (!strcmp(p->weights, "int4")) i4 = &r[i];
        if (!strcmp(p->weights, "e2m1")) e = &r[i];
        if (!strcmp(p->weights, "e2m1-sr")) sr = &r[i];
        if (!strcmp(p->weights, "e2m1-sp")) sp = &r[i];
    }
    if (e && sr) {
        printf("\nPE area (same-format activations): ");
        if (i4)
            printf("int4 %.0f, ", i4->area_pe);
        printf("e2m1 %.0f, e2m1-sr %.0f", e->area_pe, sr->area_pe);
        if (sp)
            printf(", e2m1-sp %.0f", sp->area_pe);
        printf(" um^2\nsupernormal overhead over e2m1: range %+.2f%%", 100 * (sr->area_pe / e->area_pe - 1));
        if (sp)
            printf(", precision %+.2f%%", 100 * (sp->area_pe / e->area_pe - 1));
        printf(" (the paper reports 1.22%%)\n");
        if (i4)
            printf("ordering int4 < e2m1 < e2m1-sr: %s\n",
                   i4->area_pe < e->area_pe && e->area_pe < sr->area_pe ? "holds" : "does NOT hold");
    }
}

int cmd_sweep(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'},      {"preset", required_argument, NULL, 'p'},
        {"weights", required_argument, NULL, 'W'},  {"acts", required_argument, NULL, 'A'},
        {"sizes", required_argument, NULL, 'S'},    {"acc-bits", required_argument, NULL, 'a'},
        {"jobs", required_argument, NULL, 'j'},     {"no-power", no_argument, NULL, 'n'},
        {"force", no_argument, NULL, 'f'},          {"library", required_argument, NULL, 'L'},
        {"liberty", required_argument, NULL, 'l'},  {"clock", required_argument, NULL, 'k'},
        {"sdc", required_argument, NULL, 's'},      {"emit-jobs", required_argument, NULL, 'e'},
        {"collect", no_argument, NULL, 'c'},        {"help", no_argument, NULL, 'h'},
        {"liberty-dir", required_argument, NULL, 'D'}, {NULL, 0, NULL, 0},
    };
    long nproc = sysconf(_SC_NPROCESSORS_ONLN);
    nb_sweep_opts o = {.jobs = nproc > 0 ? (int)nproc : 1, .power = true, .progress = stdout};
    const char *presets[16], *weights = NULL, *acts = NULL, *sizes = NULL, *emit = NULL;
    int npresets = 0;
    long acc_bits = 24, v;
    bool collect = false;
    char liberty_list[4096] = "";
    nb_err err;
    int c;
    while ((c = getopt_long(argc, argv, "o:j:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': o.out_dir = optarg; break;
        case 'p':
            if (npresets == 16)
                return cli_fail(CMD, "at most 16 --preset options");
            presets[npresets++] = optarg;
            break;
        case 'W': weights = optarg; break;
        case 'A': acts = optarg; break;
        case 'S': sizes = optarg; break;
        case 'a':
            if (!cli_parse_long("--acc-bits", optarg, 2, 64, &acc_bits, &err))
                return cli_fail_err(CMD, &err);
            break;
        case 'j':
            if (!cli_parse_long("--jobs", optarg, 1, 256, &v, &err))
                return cli_fail_err(CMD, &err);
            o.jobs = (int)v;
            break;
        case 'n': o.power = false; break;
        case 'f': o.force = true; break;
        case 'L': o.library = optarg; break;
        case 'l':
            if (!cli_liberty_list(liberty_list, sizeof liberty_list, optarg, &err))
                return cli_fail_err(CMD, &err);
            o.liberty = liberty_list;
            break;
        case 'D': o.liberty_dir = optarg; break;
        case 'k':
            if (!cli_parse_clock(optarg, &o.clock_ns, &err))
                return cli_fail_err(CMD, &err);
            break;
        case 's': o.sdc = optarg; break;
        case 'e': emit = optarg; break;
        case 'c': collect = true; break;
        case 'h': help(); return 0;
        default: return cli_bad_option(CMD, argv);
        }
    }
    if (optind < argc)
        return cli_fail(CMD, "unexpected argument '%s'", argv[optind]);
    if (!o.out_dir)
        return cli_fail(CMD, "-o DIR is required: the sweep directory");
    if ((weights != NULL) != (acts != NULL))
        return cli_fail(CMD, "a grid needs both --weights and --acts");
    if (emit && collect)
        return cli_fail(CMD, "--emit-jobs prepares a sweep and --collect gathers one: use one");
    if (emit && strcmp(emit, "make") && strcmp(emit, "parallel") && strcmp(emit, "slurm"))
        return cli_fail(CMD, "--emit-jobs %s: use make, parallel or slurm", emit);

    nb_sweep_plan plan = {0};
    bool ok = true;
    if (collect) {
        ok = nb_sweep_load_plan(o.out_dir, &plan, &err);
    } else {
        if (!npresets && !weights)
            presets[npresets++] = "pe-formats";
        for (int i = 0; ok && i < npresets; i++)
            ok = nb_sweep_preset(presets[i], &plan, &err);
        if (ok && weights)
            ok = add_grid(&plan, weights, acts, sizes, (int)acc_bits, &err);
        if (ok) {
            printf("[sweep] %d designs into %s\n", plan.n, o.out_dir);
            fflush(stdout);
            ok = nb_sweep_prepare(&plan, &o, &err);
        }
    }
    if (ok && emit) {
        ok = nb_sweep_emit(&plan, &o, emit, stdout, &err);
        nb_sweep_plan_free(&plan);
        return ok ? 0 : cli_fail_err(CMD, &err);
    }
    int failed = 0;
    if (ok && !collect) {
        o.cancel = cli_catch_interrupts();
        failed = nb_sweep_run(&plan, &o, &err);
        ok = failed >= 0;
    }
    nb_synth_result *results = NULL;
    if (ok && failed == 0) {
        ok = nb_sweep_collect(&plan, o.out_dir, &results, &err);
        if (ok) {
            summarize(&plan, results);
            printf("\nwrote %s/synth.csv and %s/synth.json (%d designs)\n", o.out_dir, o.out_dir,
                   plan.n);
            int late = 0;
            for (int i = 0; i < plan.n; i++)
                if (!nb_synth_timing_met(&results[i]) && late++ < 8)
                    fprintf(stderr, "nibble sweep: warning: %s misses timing at the %g ns clock "
                            "(slack %.3f ns)\n", plan.points[i].name, results[i].clock_ns,
                            results[i].slack_ns);
            if (late)
                fprintf(stderr, "nibble sweep: warning: %d of %d designs miss timing (timing_met "
                        "is 0 in the table); their power is at a clock they cannot reach\n",
                        late, plan.n);
        }
    } else if (ok) {
        fprintf(stderr, "nibble sweep: %d of %d jobs failed (see the logs named above); no table "
                "written\n", failed, plan.n);
    }
    free(results);
    nb_sweep_plan_free(&plan);
    if (!ok)
        return cli_fail_err(CMD, &err);
    return failed ? EXIT_CHECK_FAILED : 0;
}
