/* The closed-form cycle count of a tiled GEMM documented in sim/README.md
 * ("Cycle count of a tiled GEMM") against the stepped C model driven by
 * nb_gemm_run and the fast-forward schedule of nb_gemm_fast, over array
 * sizes, pipeline depths, OverQ, scaling groups, ragged shapes and both load
 * schedules. The formula is written here from the README alone (it does not
 * use the tiler), so a change of the schedule or of the document shows up. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/sim.h"

typedef struct shape {
    size_t M, K, N, group;
} shape;

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

/* sim/README.md, transcribed. */
static int64_t readme_cycles(int R, int C, int P, bool overq, bool overlap, shape s)
{
    int64_t w = P >= 2, q = overq, L = R + C + P + 1, E = C + P + 2, M = (int64_t)s.M;
    int64_t u = overlap ? max64(1, C - 1 + w + q) : L + 1;
    int64_t H = M + u - w;
    int64_t cycles = M + L + 1 - w; /* the first fold */
    size_t g = s.group ? s.group : s.K;
    int64_t r_prev = 0;             /* folds of the segment before, 0 before the first */
    for (size_t n0 = 0; n0 < s.N; n0 += (size_t)C)          /* column blocks */
        for (size_t k0 = 0; k0 < s.K; k0 += g) {             /* segments (scaling groups) */
            size_t len = s.K - k0 < g ? s.K - k0 : g;
            int64_t r = (int64_t)((len + (size_t)R - 1) / (size_t)R);
            if (r_prev)                                      /* a fold that starts a segment */
                cycles += max64(R - (r_prev - 1) * E, H);
            cycles += (r - 1) * max64(L + 1, H);             /* folds that continue it */
            r_prev = r;
        }
    return cycles;
}

/* The simple forms the README gives for --no-overlap and for one segment. */
static int64_t readme_no_overlap(int R, int C, int P, shape s, int64_t folds)
{
    return folds * ((int64_t)s.M + R + C + P + 2 - (P >= 2));
}

static nb_design *make(int R, int C, int P, bool overq)
{
    nb_design_params p = nb_design_params_default();
    p.weights = "int4";
    p.acts = overq ? "overq" : "int4";
    p.rows = R;
    p.cols = C;
    p.pipeline = P;
    if (overq)
        p.cascade = 1;
    nb_err err;
    nb_design *d = nb_design_create(&p, &err);
    cr_assert(d, "%s", err.msg);
    return d;
}

static void check(nb_design *d, bool overq, bool overlap, shape s)
{
    int R = d->rows, C = d->cols, P = d->pipeline;
    /* all-NORMAL tags, given or left out (NULL reads as all NORMAL; the
     * fast-forward mode used to dereference it): the schedule does not
     * depend on the data */
    uint8_t *w = calloc(s.N * s.K, 1), *a = calloc(s.M * s.K, 1), *tags = calloc(s.M * s.K, 1);
    cr_assert(w && a && tags);
    for (size_t i = 0; i < s.N * s.K; i++)
        w[i] = (uint8_t)(i * 7 % 16);
    for (size_t i = 0; i < s.M * s.K; i++)
        a[i] = (uint8_t)(i * 5 % 16);
    nb_gemm_job job = {.asel = d->overq_index >= 0 ? d->overq_index : 0, .M = s.M, .N = s.N,
                       .K = s.K, .w_codes = w, .a_codes = a, .a_tags = overq && s.M % 2 ? tags : NULL,
                       .group = s.group,
                       .overlap_loads = overlap};
    size_t n = nb_gemm_num_segments(&job) * s.M * s.N;
    int64_t *out = calloc(n, sizeof *out), *fout = calloc(n, sizeof *fout);
    nb_err err;
    nb_backend *b = nb_cmodel_new(d, &err);
    cr_assert(b, "%s", err.msg);
    nb_gemm_stats stepped, fast;
    cr_assert(nb_gemm_run(b, &job, out, &stepped, &err), "%s", err.msg);
    cr_assert(nb_gemm_fast(d, &job, fout, &fast, &err), "%s", err.msg);
    cr_assert(memcmp(out, fout, n * sizeof *out) == 0, "fast-forward results differ");
    int64_t want = readme_cycles(R, C, P, overq, overlap, s);
    cr_assert_eq((int64_t)stepped.cycles, want,
                 "%dx%d P%d overq %d overlap %d, M %zu K %zu N %zu group %zu: stepped %llu cycles, "
                 "README formula %lld", R, C, P, overq, overlap, s.M, s.K, s.N, s.group,
                 (unsigned long long)stepped.cycles, (long long)want);
    cr_assert_eq(fast.cycles, stepped.cycles, "fast-forward %llu, stepped %llu",
                 (unsigned long long)fast.cycles, (unsigned long long)stepped.cycles);
    if (!overlap)
        cr_assert_eq(want, readme_no_overlap(R, C, P, s, (int64_t)stepped.tiles));
    int64_t ws = P >= 2, q = overq, F = (int64_t)stepped.tiles, M = (int64_t)s.M;
    if (overlap && C - 1 + ws + q >= 1 && M >= R + P + 3 - q) /* the steady-state form */
        cr_assert_eq(want, M + (R + C + P + 1) + 1 - ws + (F - 1) * (M + C - 1 + q));
    nb_backend_free(b);
    free(w), free(a), free(tags), free(out), free(fout);
}

Test(gemm_cycles, closed_form_matches_stepped_and_fast_forward)
{
    int sizes[][2] = {{1, 1}, {1, 3}, {2, 1}, {2, 2}, {3, 2}, {4, 4}, {5, 3}, {8, 1}, {2, 6}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (int P = 0; P <= 2; P++)
            for (int overq = 0; overq < 2; overq++) {
                int R = sizes[i][0], C = sizes[i][1];
                if (overq && R < 2)
                    continue; /* a depth-1 chain needs two rows */
                nb_design *d = make(R, C, P, overq);
                /* M around the point where the partial-sum wait stops
                 * mattering (M + u - w = L + 1), K one fold, several folds
                 * and ragged, scaling groups of one and several folds */
                size_t Ms[] = {1, 2, (size_t)(R + P + 2), (size_t)(R + P + 3), (size_t)(R + C + P + 4), 17};
                shape shapes[] = {
                    {0, (size_t)R, (size_t)C, 0},
                    {0, 3 * (size_t)R + 1, (size_t)C, 0},
                    {0, 2 * (size_t)R, 2 * (size_t)C + 1, 0},
                    {0, 7 * (size_t)R + 2, (size_t)C + 1, 3 * (size_t)R},
                    {0, 5 * (size_t)R, (size_t)C, (size_t)R},
                    {0, 9, 3, 2},
                };
                for (size_t m = 0; m < sizeof Ms / sizeof Ms[0]; m++)
                    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++)
                        for (int overlap = 0; overlap < 2; overlap++) {
                            shape s = shapes[k];
                            s.M = Ms[m];
                            check(d, overq, overlap, s);
                        }
                nb_design_free(d);
            }
}
