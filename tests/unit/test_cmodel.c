/* The C cycle model driven by the GEMM tiler reproduces the golden integer
 * GEMM bit for bit, for every pipeline depth, accumulator mode, load schedule
 * and ragged shape (K and N not multiples of the array). Cycle timing is
 * checked against the RTL in the co-simulation suite. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/sim.h"

static nb_design *make(const char *w, const char *a, int rows, int cols, int acc, nb_acc_mode mode,
                       int pipe)
{
    nb_design_params p = nb_design_params_default();
    p.weights = w;
    p.acts = a;
    p.rows = rows;
    p.cols = cols;
    p.acc_bits = acc;
    p.acc_mode = mode;
    p.pipeline = pipe;
    nb_err err;
    nb_design *d = nb_design_create(&p, &err);
    cr_assert(d, "%s", err.msg);
    return d;
}

static void run_case(nb_design *d, int wsel, int asel, size_t M, size_t K, size_t N, size_t group,
                     bool overlap, unsigned seed)
{
    srand(seed);
    uint8_t *w = malloc(N * K), *a = malloc(M * K);
    for (size_t i = 0; i < N * K; i++)
        w[i] = (uint8_t)(rand() % d->w[wsel].num_codes);
    for (size_t i = 0; i < M * K; i++)
        a[i] = (uint8_t)(rand() % d->a[asel].num_codes);
    nb_gemm_job job = {.wsel = wsel, .asel = asel, .M = M, .N = N, .K = K, .w_codes = w,
                       .a_codes = a, .group = group, .overlap_loads = overlap};
    size_t segs = nb_gemm_num_segments(&job);
    int64_t *got = calloc(segs * M * N, sizeof *got), *want = calloc(segs * M * N, sizeof *want);
    nb_err err;
    nb_backend *b = nb_cmodel_new(d, &err);
    cr_assert(b, "%s", err.msg);
    nb_gemm_stats st;
    cr_assert(nb_gemm_run(b, &job, got, &st, &err), "%s", err.msg);
    nb_gemm_golden(d, &job, want);
    /* the fast-forward mode: same results, same cycle count */
    int64_t *fast = calloc(segs * M * N, sizeof *fast);
    nb_gemm_stats fst;
    cr_assert(nb_gemm_fast(d, &job, fast, &fst, &err), "%s", err.msg);
    cr_assert_eq(fst.cycles, st.cycles, "fast-forward cycles %llu, stepped %llu (%dx%d P%d %zux%zux%zu g%zu overlap %d)",
                 (unsigned long long)fst.cycles, (unsigned long long)st.cycles, d->rows, d->cols,
                 d->pipeline, M, K, N, group, overlap);
    cr_assert(memcmp(fast, got, segs * M * N * sizeof *fast) == 0, "fast-forward results differ");
    free(fast);
    for (size_t i = 0; i < segs * M * N; i++)
        cr_assert_eq(got[i], want[i], "%dx%d P%d %s: %zux%zux%zu g%zu overlap %d: element %zu got %lld want %lld",
                     d->rows, d->cols, d->pipeline, nb_acc_mode_name(d->acc_mode), M, K, N, group,
                     overlap, i, (long long)got[i], (long long)want[i]);
    cr_assert_gt(st.utilization, 0.0);
    cr_assert_leq(st.utilization, 1.0);
    nb_backend_free(b);
    free(w), free(a), free(got), free(want);
}

Test(cmodel, matches_golden_all_pipelines_and_modes)
{
    for (int pipe = 0; pipe <= 2; pipe++)
        for (int mode = 0; mode < 2; mode++) {
            nb_design *d = make("sf4,e2m1-sr,int4", "int4,int8,e2m1", 4, 3, 32,
                                mode ? NB_ACC_SATURATE : NB_ACC_WRAP, pipe);
            for (int overlap = 0; overlap < 2; overlap++) {
                run_case(d, 0, 1, 9, 13, 7, 0, overlap, 1);
                run_case(d, 1, 2, 1, 4, 3, 0, overlap, 2);
                run_case(d, 2, 0, 20, 37, 5, 8, overlap, 3);
            }
            nb_design_free(d);
        }
}

Test(cmodel, saturation_and_wrap_with_narrow_accumulator)
{
    for (int mode = 0; mode < 2; mode++) {
        nb_design *d = make("int4", "int4", 4, 4, 9, mode ? NB_ACC_SATURATE : NB_ACC_WRAP, 1);
        run_case(d, 0, 0, 12, 40, 6, 0, true, 4);
        run_case(d, 0, 0, 3, 40, 9, 0, false, 5);
        nb_design_free(d);
    }
}

Test(cmodel, one_by_one_and_tall_shapes)
{
    nb_design *d = make("e2m1", "e2m1", 1, 1, 16, NB_ACC_WRAP, 0);
    run_case(d, 0, 0, 5, 7, 3, 0, true, 6);
    nb_design_free(d);
    d = make("nf4", "int8", 8, 2, 32, NB_ACC_SATURATE, 2);
    run_case(d, 0, 0, 2, 50, 5, 16, true, 7);
    run_case(d, 0, 0, 30, 3, 1, 0, true, 8);
    nb_design_free(d);
}

Test(cmodel, fast_forward_matches_stepping_on_random_configs)
{
    srand(99);
    for (int trial = 0; trial < 60; trial++) {
        int rows = 1 + rand() % 6, cols = 1 + rand() % 6, pipe = rand() % 3;
        nb_acc_mode mode = rand() % 2 ? NB_ACC_SATURATE : NB_ACC_WRAP;
        int acc = mode == NB_ACC_SATURATE ? 13 + rand() % 8 : 16 + rand() % 40;
        nb_design *d = make("int4,e2m1-sr", "int4,int8", rows, cols, acc, mode, pipe);
        size_t M = 1 + (size_t)(rand() % 25), K = 1 + (size_t)(rand() % 30), N = 1 + (size_t)(rand() % 15);
        size_t group = rand() % 3 ? 0 : 1 + (size_t)(rand() % 10);
        run_case(d, rand() % 2, rand() % 2, M, K, N, group, rand() % 2, (unsigned)trial);
        nb_design_free(d);
    }
}

/* OverQ designs: tags (or encoder inputs) through the stepped model, the
 * fast-forward mode and the golden, for every depth and mode. */
Test(cmodel, overq_stepped_fast_and_golden_agree)
{
    srand(5);
    for (int trial = 0; trial < 40; trial++) {
        nb_design_params p = nb_design_params_default();
        p.weights = "int4,sf4";
        p.acts = trial % 3 ? "overq" : "overq,int8";
        p.rows = 2 + rand() % 6;
        p.cols = 1 + rand() % 5;
        p.cascade = rand() % p.rows;
        p.overq_mode = rand() % 2 ? NB_OVERQ_RANGE_PRECISION : NB_OVERQ_RANGE;
        p.overq_encoder = trial % 3 && rand() % 2;
        p.pipeline = rand() % 3;
        p.acc_mode = rand() % 2 ? NB_ACC_SATURATE : NB_ACC_WRAP;
        p.acc_bits = p.acc_mode == NB_ACC_SATURATE ? 24 : 32;
        nb_err err;
        nb_design *d = nb_design_create(&p, &err);
        cr_assert(d, "%s", err.msg);
        size_t M = 1 + (size_t)(rand() % 20), K = 1 + (size_t)(rand() % 30), N = 1 + (size_t)(rand() % 9);
        int frac = nb_overq_input_frac(d->overq_mode);
        uint8_t *w = malloc(N * K), *codes = malloc(M * K), *tags = malloc(M * K);
        uint16_t *vals = malloc(M * K * sizeof *vals);
        for (size_t i = 0; i < N * K; i++)
            w[i] = (uint8_t)(rand() % 16);
        for (size_t i = 0; i < M * K; i++) {
            int r = rand() % 10;
            unsigned v = r < 4 ? 0 : r < 8 ? 1 + (unsigned)(rand() % 15) : 16 + (unsigned)(rand() % 240);
            vals[i] = (uint16_t)((v << frac) | (unsigned)(rand() % (1 << frac)));
        }
        nb_gemm_job job = {.wsel = rand() % 2, .asel = d->overq_index, .M = M, .N = N, .K = K,
                           .w_codes = w, .group = rand() % 2 ? 0 : 1 + (size_t)(rand() % 9),
                           .overlap_loads = rand() % 2, .a_values = vals};
        if (!d->overq_encoder) {
            nb_gemm_encode_overq(d, &job, codes, tags);
            job.a_values = NULL;
            job.a_codes = codes;
            job.a_tags = tags;
        }
        size_t n = nb_gemm_num_segments(&job) * M * N;
        int64_t *a = calloc(n, sizeof *a), *b = calloc(n, sizeof *b), *g = calloc(n, sizeof *g);
        nb_backend *cm = nb_cmodel_new(d, &err);
        nb_gemm_stats sa, sb;
        cr_assert(nb_gemm_run(cm, &job, a, &sa, &err), "%s", err.msg);
        cr_assert(nb_gemm_fast(d, &job, b, &sb, &err), "%s", err.msg);
        nb_gemm_golden(d, &job, g);
        cr_assert_eq(sa.cycles, sb.cycles, "trial %d: cycles %llu vs %llu", trial,
                     (unsigned long long)sa.cycles, (unsigned long long)sb.cycles);
        for (size_t i = 0; i < n; i++) {
            cr_assert_eq(a[i], g[i], "trial %d: stepped %lld golden %lld at %zu", trial, (long long)a[i], (long long)g[i], i);
            cr_assert_eq(b[i], g[i], "trial %d: fast %lld golden %lld at %zu", trial, (long long)b[i], (long long)g[i], i);
        }
        nb_backend_free(cm);
        nb_design_free(d);
        free(w), free(codes), free(tags), free(vals), free(a), free(b), free(g);
    }
}
