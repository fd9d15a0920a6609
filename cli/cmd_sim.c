/* nibble sim: run a quantized GEMM through a generated array on one backend. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "design_arg.h"
#include "nibble/metrics.h"
#include "nibble/output.h"
#include "nibble/workload.h"

static const char *CMD = "sim";

static void help(void)
{
    printf("usage: nibble sim --config DIR/manifest.json [--gemm MxKxN] [--dist D] [options]\n\n"
           "Quantize a GEMM Y = A x W^T (A: MxK activations, W: NxK weights) with the golden\n"
           "quantizer, tile it over the generated array and run it cycle by cycle. Prints\n"
           "cycles, utilization, throughput, the bit-exact check against the golden integer\n"
           "GEMM and the error against the float reference. On a block-scaled design the\n"
           "tensors are block-quantized with the design's block formats and the array's\n"
           "binary32 results (and cycle count) are checked against the golden block GEMM.\n\n"
           "  --config PATH       manifest.json written by 'nibble gen' (or its directory)\n"
           "  --gemm MxKxN        shape (default 64x64x64)\n"
           "  --dist D            weight distribution (default t:5)\n"
           "  --act-dist D        activation distribution (default: as --dist)\n"
           "  --wfmt F, --afmt F  formats from the design's sets (default: the first of each)\n"
           "  --group G           scaling group along K (default 128; 0 = per channel)\n"
           "  --scale-rule R      block-scaled designs: choose the block scales by R: floor,\n"
           "                      rceil or even for e8m0 scales, nearest for the others; it\n"
           "                      applies to each side whose scales take it (default: the\n"
           "                      rule of the design's block formats)\n"
           "  --backend B         c, verilator, systemc or systemc-c (default c)\n"
           "  --compare B         also run backend B in lock step and compare every cycle\n"
           "  --trace FILE.vcd    write a VCD waveform (verilator and systemc backends; a\n"
           "                      regular file outside the design, replaced once complete)\n"
           "  --no-overlap        load the next tile only after the previous one drained\n"
           "  --fast-forward      C model only: compute the same results and cycle count per\n"
           "                      tile instead of stepping every clock (much faster)\n"
           "  --seed S            PRNG seed (default 1)\n"
           CLI_ALLOW_EDITED_RTL_HELP
           "  -h, --help          this text\n");
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Errors about the waveform name the temporary it is written to; the user
 * named another path, so say that one. */
static void name_user_path(nb_err *err, const char *tmp, const char *user)
{
    const char *at = strstr(err->msg, tmp);
    if (!at)
        return;
    nb_err named;
    snprintf(named.msg, sizeof named.msg, "%.*s%s%s", (int)(at - err->msg), err->msg, user,
             at + strlen(tmp));
    *err = named;
}

/* A block-scaled run's checks: the binary32 results against the golden
 * block GEMM, and the cycle count against the integer GEMM's plus the scale
 * stage's latency (the fast-forward model's count of the integer job). */
typedef struct block_result {
    bool golden_ok;
    char golden_err[sizeof(nb_err)];
    size_t bad, first;
    float got, want;
    uint64_t cycles, want_cycles;
} block_result;

static bool same_f32(float x, float y)
{
    return (isnan(x) && isnan(y)) || memcmp(&x, &y, sizeof x) == 0;
}

static void block_check(const nb_design *d, const nb_workload *wl, const nb_gemm_stats *st,
                        double *y, block_result *r)
{
    size_t MN = wl->M * wl->N;
    float *out = malloc(MN * sizeof *out), *want = malloc(MN * sizeof *want);
    int64_t *seg = malloc(nb_gemm_num_segments(&wl->job) * MN * sizeof *seg);
    nb_err err = {0};
    nb_gemm_job ijob = wl->job;
    ijob.facc_out = NULL;
    nb_gemm_stats ist = {0};
    r->cycles = st->cycles;
    r->golden_ok = out && want && seg ? nb_workload_block_golden(wl, want, &err) &&
                                            nb_gemm_fast(d, &ijob, seg, &ist, &err)
                                      : nb_fail(&err, "out of memory checking a block-scaled GEMM");
    snprintf(r->golden_err, sizeof r->golden_err, "%s", err.msg);
    r->want_cycles = ist.cycles + (uint64_t)d->scale_latency;
    if (r->golden_ok && d->scale_add_stages > 1) {
        /* an addition over several cycles may hold a block's last tile back
         * (gen/README.md, "Scheduling rule"): the fast-forward schedule of the
         * block job says by how much, and never less than the integer count */
        nb_gemm_job bjob = wl->job;
        nb_gemm_stats bst = {0};
        float *facc = malloc(MN * sizeof *facc);
        bjob.facc_out = facc;
        r->golden_ok = facc && nb_gemm_fast(d, &bjob, seg, &bst, &err);
        if (!facc)
            nb_fail(&err, "out of memory checking a block-scaled GEMM");
        snprintf(r->golden_err, sizeof r->golden_err, "%s", err.msg);
        if (r->golden_ok && bst.cycles > r->want_cycles)
            r->want_cycles = bst.cycles;
        free(facc);
    }
    if (r->golden_ok) {
        nb_workload_block_output(wl, wl->facc, out);
        for (size_t i = 0; i < MN; i++) {
            y[i] = (double)out[i];
            if (!same_f32(out[i], want[i]) && !r->bad++) {
                r->first = i;
                r->got = out[i];
                r->want = want[i];
            }
        }
    }
    free(out), free(want), free(seg);
}

static bool print_block_check(const nb_workload *wl, const block_result *r)
{
    if (!r->golden_ok) {
        printf("bit-exact vs golden block GEMM: could not check: %s\n", r->golden_err);
        return false;
    }
    /* the fixed-point accumulator's golden is nb_block_gemm_fixed */
    const char *acc = wl->fixed_acc ? "fixed-point accumulator" : "binary32";
    if (r->bad)
        printf("bit-exact vs golden block GEMM (%s): NO, %zu of %zu results differ (first: m "
               "%zu, n %zu: got %a, golden %a)\n", acc, r->bad, wl->M * wl->N, r->first / wl->N,
               r->first % wl->N, (double)r->got, (double)r->want);
    else
        printf("bit-exact vs golden block GEMM (%s): yes (%zu results)\n", acc, wl->M * wl->N);
    bool cyc = r->cycles == r->want_cycles;
    printf("cycles vs integer GEMM + scale stage: %s (%llu, expected %llu)\n", cyc ? "yes" : "NO",
           (unsigned long long)r->cycles, (unsigned long long)r->want_cycles);
    return !r->bad && cyc;
}

int cmd_sim(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},  {"gemm", required_argument, NULL, 'g'},
        {"dist", required_argument, NULL, 'd'},    {"act-dist", required_argument, NULL, 'D'},
        {"wfmt", required_argument, NULL, 'w'},    {"afmt", required_argument, NULL, 'a'},
        {"group", required_argument, NULL, 'G'},   {"backend", required_argument, NULL, 'b'},
        {"compare", required_argument, NULL, 'C'}, {"trace", required_argument, NULL, 't'},
        {"no-overlap", no_argument, NULL, 'n'},    {"seed", required_argument, NULL, 's'},
        {"fast-forward", no_argument, NULL, 'F'},  {"allow-edited-rtl", no_argument, NULL, 'E'},
        {"scale-rule", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    const char *config = NULL, *shape = "64x64x64", *wdist = "t:5", *adist = NULL;
    const char *wfmt = NULL, *afmt = NULL, *trace = NULL;
    long group = 128;
    nb_backend_kind kind = NB_BACKEND_C, cmp_kind = NB_BACKEND_C;
    bool compare = false, overlap = true, fast = false, allow_edited = false;
    uint64_t seed = 1;
    bool rule_set = false, group_set = false;
    nb_scale_rule rule = NB_RULE_RCEIL;
    nb_err err = {0};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'g': shape = optarg; break;
        case 'd': wdist = optarg; break;
        case 'D': adist = optarg; break;
        case 'w': wfmt = optarg; break;
        case 'a': afmt = optarg; break;
        case 't': trace = optarg; break;
        case 'n': overlap = false; break;
        case 'F': fast = true; break;
        case 'E': allow_edited = true; break;
        case 'G':
            if (!cli_parse_long("--group", optarg, 0, 1L << 20, &group, &err))
                return cli_fail_err(CMD, &err);
            group_set = true;
            break;
        case 'b':
            if (!nb_backend_kind_parse(optarg, &kind, &err))
                return cli_fail_err(CMD, &err);
            break;
        case 'C':
            if (!nb_backend_kind_parse(optarg, &cmp_kind, &err))
                return cli_fail_err(CMD, &err);
            compare = true;
            break;
        case 's':
            if (!cli_parse_u64("--seed", optarg, &seed, &err))
                return cli_fail_err(CMD, &err);
            break;
        case 'r':
            if (!nb_scale_rule_parse(optarg, &rule, &err))
                return cli_fail_err(CMD, &err);
            rule_set = true;
            break;
        case 'h': help(); return 0;
        default: return cli_bad_option(CMD, argv);
        }
    }
    if (optind < argc)
        return cli_fail(CMD, "unexpected argument '%s'", argv[optind]);
    if (!config)
        return cli_fail(CMD, "give the design with --config DIR/manifest.json (from 'nibble gen')");
    nb_workload_spec spec = {.group = (size_t)group, .seed = seed, .block_rule_set = rule_set,
                             .block_rule = rule};
    if (!nb_parse_gemm_shape(shape, &spec.M, &spec.K, &spec.N, &err) ||
        !nb_dist_parse(wdist, &spec.wdist, &err) ||
        !nb_dist_parse(adist ? adist : wdist, &spec.adist, &err))
        return cli_fail_err(CMD, &err);
    if (compare && (cmp_kind == NB_BACKEND_SC_RTL || cmp_kind == NB_BACKEND_SC_CMODEL) &&
        (kind == NB_BACKEND_SC_RTL || kind == NB_BACKEND_SC_CMODEL))
        return cli_fail(CMD, "two SystemC backends cannot share one process; compare a SystemC "
                        "backend with c or verilator");
    if (fast && (kind != NB_BACKEND_C || compare || trace))
        return cli_fail(CMD, "--fast-forward runs the C model alone: drop --backend/--compare/--trace");
    char dir[4096];
    nb_design *d = cli_load_design(config, allow_edited, dir, sizeof dir, &err);
    if (!d)
        return cli_fail_err(CMD, &err);
    int wsel = wfmt ? nb_design_find_w(d, wfmt) : 0, asel = afmt ? nb_design_find_a(d, afmt) : 0;
    if (wsel < 0 || asel < 0) {
        int rc = cli_fail(CMD, "format %s is not in the design's %s set {%s}",
                          wsel < 0 ? wfmt : afmt, wsel < 0 ? "weight" : "activation",
                          wsel < 0 ? d->weights_spec : d->acts_spec);
        nb_design_free(d);
        return rc;
    }
    if (d->block_scaled && group_set) {
        int rc = cli_fail(CMD, "--group does not apply to a block-scaled design: its blocks of %d "
                          "along K come from its formats {%s}", d->block, d->weights_spec);
        nb_design_free(d);
        return rc;
    }
    /* the waveform goes to a temporary beside it and replaces FILE only once
     * the run is complete; never onto a link, a device or a file of the design */
    char trace_tmp[4400] = "";
    const char *inputs[] = {dir};
    size_t tl = trace ? strlen(trace) : 0;
    if (trace && (tl < 5 || strcmp(trace + tl - 4, ".vcd") != 0)) {
        nb_design_free(d); /* SystemC would write NAME.vcd instead of NAME */
        return cli_fail(CMD, "--trace %s: give a file name ending in .vcd", trace);
    }
    if (trace && (!nb_output_file_check("--trace", trace, inputs, 1, &err) ||
                  !nb_output_file_temp(trace, trace_tmp, sizeof trace_tmp, &err))) {
        nb_design_free(d);
        return cli_fail_err(CMD, &err);
    }
    nb_workload wl;
    if (!nb_workload_make(d, wsel, asel, &spec, &wl, &err)) {
        nb_output_file_discard(trace_tmp);
        nb_design_free(d);
        return cli_fail_err(CMD, &err);
    }
    wl.job.overlap_loads = overlap;
    int status = 0;
    nb_backend *b = fast ? NULL : nb_backend_open(d, dir, kind, trace ? trace_tmp : NULL, stderr, &err);
    if (b && compare) {
        nb_backend *other = nb_backend_open(d, dir, cmp_kind, NULL, stderr, &err);
        b = other ? nb_lockstep_new(b, other) : (nb_backend_free(b), NULL);
    }
    size_t segs = nb_gemm_num_segments(&wl.job), nres = segs * spec.M * spec.N;
    int64_t *got = calloc(nres, sizeof *got), *want = calloc(nres, sizeof *want);
    double *y = malloc(spec.M * spec.N * sizeof *y);
    nb_gemm_stats st = {0};
    double t0 = now(), secs = 0;
    if ((fast || b) && (!got || !want || !y))
        nb_fail(&err, "out of memory for the results of a %zux%zux%zu GEMM (%zu bytes); use a "
                "smaller --gemm", spec.M, spec.K, spec.N,
                nres * 2 * sizeof *got + spec.M * spec.N * sizeof *y);
    bool ran = got && want && y &&
               (fast ? nb_gemm_fast(d, &wl.job, got, &st, &err)
                     : b && nb_gemm_run(b, &wl.job, got, &st, &err));
    /* a waveform the model could not write (a full disk) fails the run */
    ran = ran && nb_backend_finish(b, &err);
    if (!ran) {
        if (trace_tmp[0])
            name_user_path(&err, trace_tmp, trace);
        status = cli_fail_err(CMD, &err);
    } else {
        secs = now() - t0;
        nb_gemm_golden(d, &wl.job, want);
        size_t bad = 0, first = 0;
        for (size_t i = 0; i < nres; i++)
            if (got[i] != want[i] && !bad++)
                first = i;
        block_result br = {0};
        if (wl.block)
            block_check(d, &wl, &st, y, &br);
        else
            nb_workload_dequantize(d, &wl, got, y);
        nb_error_stats es = nb_error_stats_double(wl.reference, y, spec.M * spec.N);
        printf("design:   %dx%d array, weights {%s}, activations {%s}, %d-bit %s accumulator, "
               "latency %d\n", d->rows, d->cols, d->weights_spec, d->acts_spec, d->acc_bits,
               nb_acc_mode_name(d->acc_mode), d->latency);
        char wd[64], ad[64];
        nb_dist_format(&spec.wdist, wd, sizeof wd);
        nb_dist_format(&spec.adist, ad, sizeof ad);
        printf("workload: %zux%zux%zu (MxKxN), weights %s as %s, activations %s as %s, ", spec.M,
               spec.K, spec.N, wd, wl.block ? wl.wbf.name : d->w[wsel].name, ad,
               wl.block ? wl.abf.name : d->a[asel].name);
        if (wl.block)
            printf("blocks of %zu\n", wl.group);
        else if (wl.group)
            printf("groups of %zu\n", wl.group);
        else
            printf("per-channel scales\n");
        printf("backend:  %s: %llu cycles, %llu tiles, utilization %.1f%%, %.3g MAC/s (%.3f s)\n",
               fast ? "c-model (fast-forward)" : b->name, (unsigned long long)st.cycles, (unsigned long long)st.tiles,
               100 * st.utilization, secs > 0 ? (double)st.macs / secs : 0, secs);
        if (bad) {
            printf("bit-exact vs golden integer GEMM: NO, %zu of %zu results differ (first: segment "
                   "%zu, m %zu, n %zu: got %lld, golden %lld)\n", bad, nres,
                   first / (spec.M * spec.N), first / spec.N % spec.M, first % spec.N,
                   (long long)got[first], (long long)want[first]);
            status = EXIT_CHECK_FAILED;
        } else {
            printf("bit-exact vs golden integer GEMM: yes (%zu %s)\n", nres,
                   wl.block ? "block sums" : "results");
        }
        if (wl.block && !print_block_check(&wl, &br))
            status = EXIT_CHECK_FAILED;
        if (compare) {
            const nb_mismatch *mm = nb_lockstep_mismatch(b);
            if (mm->found) {
                printf("lock-step: first difference at cycle %llu, column %d: %lld (valid %d) vs "
                       "%lld (valid %d)\n", (unsigned long long)mm->cycle, mm->column,
                       (long long)mm->a, mm->valid_a, (long long)mm->b, mm->valid_b);
                status = EXIT_CHECK_FAILED;
            } else {
                printf("lock-step: %s agree on every output of every cycle\n", b->name);
            }
        }
        printf("error vs float reference: SQNR %.2f dB, MSE %.4g, max error %.4g\n", es.sqnr_db,
               es.mse, es.max_abs_error);
    }
    nb_backend_free(b); /* closes the waveform */
    if (trace_tmp[0] && ran) {
        if (nb_output_file_install(trace_tmp, trace, &err))
            printf("waveform: %s\n", trace);
        else
            status = cli_fail_err(CMD, &err);
    } else {
        nb_output_file_discard(trace_tmp);
    }
    free(got), free(want), free(y);
    nb_workload_free(&wl);
    nb_design_free(d);
    return status;
}
