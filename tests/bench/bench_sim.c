/* Simulator throughput on a 16x16 array running a 256x256x256 GEMM: MACs per
 * second for the C cycle model (fast-forward and cycle-stepped), Verilator,
 * and SystemC (the RTL and the wrapped C model), plus the plain-C integer
 * GEMM, with the ratios C/Verilator and C/plain-C measured in this run.
 * Every backend's result is checked against the golden GEMM and every cycle
 * count against the C model's.
 * usage: bench_sim [--quick] [WORKDIR] */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nibble/gen.h"
#include "nibble/workload.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct result {
    double seconds;
    unsigned long long cycles;
    int exact;       /* 1: bit-exact with the golden GEMM */
} result;

static const nb_design *g_design;
static const char *g_dir;
static nb_workload g_wl;
static int64_t *g_golden;
static size_t g_nres;

/* Best of `reps` runs of one backend (or the fast-forward mode). */
static result measure(nb_backend_kind kind, bool fast, int reps)
{
    result best = {1e30, 0, 0};
    int64_t *out = calloc(g_nres, sizeof *out);
    nb_err err;
    for (int r = 0; r < reps; r++) {
        nb_gemm_stats st;
        double t0 = now(), t;
        if (fast) {
            if (!nb_gemm_fast(g_design, &g_wl.job, out, &st, &err))
                return fprintf(stderr, "%s\n", err.msg), best;
            t = now() - t0;
        } else {
            nb_backend *b = nb_backend_open(g_design, g_dir, kind, NULL, stderr, &err);
            if (!b)
                return fprintf(stderr, "%s\n", err.msg), best;
            t0 = now();
            if (!nb_gemm_run(b, &g_wl.job, out, &st, &err))
                fprintf(stderr, "%s\n", err.msg);
            t = now() - t0;
            nb_backend_free(b);
        }
        if (t < best.seconds)
            best.seconds = t;
        best.cycles = st.cycles;
        best.exact = memcmp(out, g_golden, g_nres * sizeof *out) == 0;
    }
    free(out);
    return best;
}

/* SystemC elaborates once per process: measure it in a child. */
static result measure_isolated(nb_backend_kind kind)
{
    int fd[2];
    result r = {0, 0, 0};
    if (pipe(fd) != 0)
        return r;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        result x = measure(kind, false, 1);
        if (write(fd[1], &x, sizeof x) != (ssize_t)sizeof x)
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    if (read(fd[0], &r, sizeof r) != (ssize_t)sizeof r)
        r.seconds = 0;
    close(fd[0]);
    waitpid(pid, NULL, 0);
    return r;
}

int main(int argc, char **argv)
{
    bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    const char *work = argc > 1 + quick ? argv[1 + quick] : "bench_sim_design";
    int dim = quick ? 4 : 16;
    size_t n = quick ? 32 : 256;
    nb_design_params p = nb_design_params_default();
    p.weights = "sf4";
    p.acts = "int4";
    p.rows = p.cols = dim;
    p.command = "bench_sim";
    nb_err err;
    nb_design *d = nb_design_create(&p, &err);
    if (!d || !nb_gen_write(d, work, &err))
        return fprintf(stderr, "bench_sim: %s\n", err.msg), 2;
    g_design = d;
    g_dir = work;
    nb_workload_spec spec = {.M = n, .K = n, .N = n, .group = 0, .seed = 1};
    nb_dist_parse("t:5", &spec.wdist, &err);
    spec.adist = spec.wdist;
    if (!nb_workload_make(d, 0, 0, &spec, &g_wl, &err))
        return fprintf(stderr, "bench_sim: %s\n", err.msg), 2;
    g_nres = nb_gemm_num_segments(&g_wl.job) * n * n;
    g_golden = calloc(g_nres, sizeof *g_golden);

    /* build the models first so no build time is measured */
    char so[4096];
    if (!nb_model_build(work, NB_BACKEND_VERILATOR, false, so, sizeof so, stderr, &err) ||
        !nb_model_build(work, NB_BACKEND_SC_RTL, false, so, sizeof so, stderr, &err))
        return fprintf(stderr, "bench_sim: %s\n", err.msg), 2;

    double t0 = now();
    nb_gemm_golden(d, &g_wl.job, g_golden);
    double plain = now() - t0;
    double macs = (double)n * n * n;

    struct { const char *name; result r; } rows[] = {
        {"C model, fast-forward", measure(NB_BACKEND_C, true, quick ? 3 : 7)},
        {"C model, cycle-stepped", measure(NB_BACKEND_C, false, 3)},
        {"Verilator", measure(NB_BACKEND_VERILATOR, false, quick ? 1 : 2)},
        {"SystemC (RTL)", measure_isolated(NB_BACKEND_SC_RTL)},
        {"SystemC (C model)", measure_isolated(NB_BACKEND_SC_CMODEL)},
    };
    double vl = rows[2].r.seconds;
    printf("simulator throughput: %dx%d array (sf4 weights, int4 activations), %zux%zux%zu GEMM "
           "(%.3g MACs)\n", dim, dim, n, n, n, macs);
    printf("%-26s %10s %11s %12s %12s  %s\n", "backend", "cycles", "seconds", "MAC/s",
           "vs Verilator", "bit-exact");
    bool ok = true;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        result r = rows[i].r;
        ok = ok && r.exact && r.cycles == rows[1].r.cycles && r.seconds > 0;
        printf("%-26s %10llu %11.5f %12.4g %12.1fx  %s\n", rows[i].name, r.cycles, r.seconds,
               macs / r.seconds, vl / r.seconds, r.exact ? "yes" : "NO");
    }
    printf("%-26s %10s %11.5f %12.4g %12.1fx  (reference)\n", "plain-C integer GEMM", "-", plain,
           macs / plain, vl / plain);
    printf("ratios: C fast-forward / Verilator = %.1fx, C cycle-stepped / Verilator = %.1fx, "
           "C fast-forward / plain-C integer GEMM = %.1fx\n",
           vl / rows[0].r.seconds, vl / rows[1].r.seconds, plain / rows[0].r.seconds);
    free(g_golden);
    nb_workload_free(&g_wl);
    nb_design_free(d);
    return ok ? 0 : 1;
}
