/* Block-scaled designs in the C model: the stepped cycle model driven by
 * nb_gemm_run and fast-forward (nb_gemm_fast) against the golden block GEMM
 * (nb_block_gemm) bit for bit, for E8M0 (mxfp4), UE4M3 (nvfp4), FP16/BF16
 * group scales and mixed scales, with several blocks per output, K not a multiple of the block and
 * scale codes over the whole range (NaN codes included); the cycle counts of
 * both modes agree and exceed the integer GEMM's by the stage's two cycles.
 * With the fixed-point accumulator (--scale-acc fixed) the golden is
 * nb_block_gemm_fixed: wrap and saturate, wide and narrow registers. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/block_gemm.h"
#include "nibble/sim.h"

static uint64_t state = 12345;

static uint32_t below(uint32_t n)
{
    state = state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return (uint32_t)((state >> 33) % n);
}

static nb_design *make_staged(const char *w, const char *a, int rows, int cols, int pipeline,
                              int scale_stages)
{
    nb_design_params p = nb_design_params_default();
    p.scale_stages = scale_stages;
    p.weights = w;
    p.acts = a;
    p.rows = rows;
    p.cols = cols;
    p.pipeline = pipeline;
    nb_err err;
    nb_design *d = nb_design_create(&p, &err);
    cr_assert(d, "%s", err.msg);
    cr_assert(d->block_scaled);
    return d;
}

static nb_design *make(const char *w, const char *a, int rows, int cols, int pipeline)
{
    return make_staged(w, a, rows, cols, pipeline, 0);
}

static nb_design *make_fixed_staged(const char *w, const char *a, int rows, int cols,
                                    int pipeline, const char *scale_acc, int stages)
{
    nb_design_params p = nb_design_params_default();
    p.weights = w;
    p.acts = a;
    p.rows = rows;
    p.cols = cols;
    p.pipeline = pipeline;
    p.scale_acc = scale_acc;
    p.scale_stages = stages;
    nb_err err;
    nb_design *d = nb_design_create(&p, &err);
    cr_assert(d, "%s", err.msg);
    cr_assert(d->scale_fixed);
    cr_assert_eq(d->scale_latency, stages ? stages : 2);
    cr_assert_eq(d->scale_term_stages, 1);
    return d;
}

static nb_design *make_fixed(const char *w, const char *a, int rows, int cols, int pipeline,
                             const char *scale_acc)
{
    return make_fixed_staged(w, a, rows, cols, pipeline, scale_acc, 0);
}

static bool same(float x, float y)
{
    return (isnan(x) && isnan(y)) || memcmp(&x, &y, sizeof x) == 0;
}

static void run(const nb_design *d, size_t M, size_t K, size_t N, bool wide, bool overlap)
{
    size_t B = (size_t)d->block, nb = (K + B - 1) / B;
    uint8_t *w = malloc(N * K), *a = malloc(M * K);
    uint16_t *ws = malloc(N * nb * 2), *as = malloc(M * nb * 2);
    int64_t *seg = calloc(nb * M * N, 8), *fseg = calloc(nb * M * N, 8), *iseg = calloc(nb * M * N, 8);
    float *got = calloc(M * N, 4), *fast = calloc(M * N, 4), *gold = calloc(M * N, 4);
    for (size_t i = 0; i < N * K; i++)
        w[i] = (uint8_t)below((uint32_t)d->w[0].num_codes);
    for (size_t i = 0; i < M * K; i++)
        a[i] = (uint8_t)below((uint32_t)d->a[0].num_codes);
    unsigned wmax = nb_scale_fmt_max_code(d->wblock.scale), amax = nb_scale_fmt_max_code(d->ablock.scale);
    for (size_t i = 0; i < N * nb; i++)
        ws[i] = (uint16_t)(below(40) == 0 ? 0xFF : wide ? below(wmax + 1) : wmax / 2 + below(7) - 3);
    for (size_t i = 0; i < M * nb; i++)
        as[i] = (uint16_t)(below(40) == 0 ? 0xFF : wide ? below(amax + 1) : amax / 2 + below(7) - 3);
    nb_gemm_job job = {.M = M, .N = N, .K = K, .w_codes = w, .a_codes = a, .group = B,
                       .overlap_loads = overlap, .w_scales = ws, .a_scales = as, .facc_out = got};
    nb_gemm_job fjob = job, ijob = job;
    fjob.facc_out = fast;
    ijob.facc_out = NULL;
    nb_err err;
    nb_backend *cm = nb_cmodel_new(d, &err);
    cr_assert(cm, "%s", err.msg);
    nb_gemm_stats st, fst, ist;
    cr_assert(nb_gemm_run(cm, &job, seg, &st, &err), "%s", err.msg);
    nb_backend_free(cm);
    cr_assert(nb_gemm_fast(d, &fjob, fseg, &fst, &err), "%s", err.msg);
    cr_assert(nb_gemm_fast(d, &ijob, iseg, &ist, &err), "%s", err.msg);
    nb_block_gemm_args g = {.M = M, .N = N, .K = K, .wf = &d->wblock, .af = &d->ablock,
                            .w_codes = w, .w_scales = ws, .a_codes = a, .a_scales = as,
                            .w_tensor_scale = 1.0f, .a_tensor_scale = 1.0f};
    if (d->scale_fixed)
        cr_assert(nb_block_gemm_fixed(&g, &d->fixed, gold, &err), "%s", err.msg);
    else
        cr_assert(nb_block_gemm(&g, gold, &err), "%s", err.msg);
    for (size_t i = 0; i < M * N; i++) {
        cr_assert(same(got[i], gold[i]), "%s %zux%zux%zu output %zu: stepped %a, golden %a",
                  d->wblock.name, M, K, N, i, (double)got[i], (double)gold[i]);
        cr_assert(same(fast[i], gold[i]), "%s output %zu: fast-forward %a, golden %a",
                  d->wblock.name, i, (double)fast[i], (double)gold[i]);
    }
    cr_assert(memcmp(seg, fseg, nb * M * N * 8) == 0);
    cr_assert_eq(st.cycles, fst.cycles, "stepped %llu cycles, fast-forward %llu",
                 (unsigned long long)st.cycles, (unsigned long long)fst.cycles);
    /* one add cycle: the integer schedule plus the stage's cycles; more add
     * cycles may hold back a block's last tile (gen/README.md, scheduling rule) */
    if (d->scale_add_stages == 1)
        cr_assert_eq(st.cycles, ist.cycles + (uint64_t)d->scale_latency,
                     "the scale stage adds %d cycles: %llu vs %llu", d->scale_latency,
                     (unsigned long long)st.cycles, (unsigned long long)ist.cycles);
    else
        cr_assert_geq(st.cycles, ist.cycles + (uint64_t)d->scale_latency);
    free(w), free(a), free(ws), free(as), free(seg), free(fseg), free(iseg);
    free(got), free(fast), free(gold);
}

static void sweep(const nb_design *d)
{
    size_t B = (size_t)d->block, R = (size_t)d->rows, C = (size_t)d->cols;
    size_t shapes[][3] = {{R + 5, 3 * B + 5, C + 3}, {2, 2 * B - 1, 2 * C + 1}, {1, 7, 1},
                          {3, B, C}, {1, 4 * B + 1, 1}, {9, 5 * B + R - 1, C}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int v = 0; v < 4; v++)
            run(d, shapes[s][0], shapes[s][1], shapes[s][2], v & 1, v < 2);
}

Test(block_sim, mxfp4_4x4)
{
    nb_design *d = make("mxfp4", "mxfp4", 4, 4, 0);
    /* no --scale-stages: the default, the 5 cycles that meet osu018's clock */
    cr_assert_eq(d->scale_latency, NB_SCALE_STAGES_DEFAULT);
    cr_assert_eq(d->scale_latency, 5);
    sweep(d);
    nb_design_free(d);
}

Test(block_sim, nvfp4_2x3_pipelined)
{
    nb_design *d = make("nvfp4", "nvfp4", 2, 3, 2);
    sweep(d);
    nb_design_free(d);
}

Test(block_sim, int4_e8m0_x_e2m1_ue4m3_8x2)
{
    nb_design *d = make("mx:int4/e8m0/16", "mx:e2m1/ue4m3/16", 8, 2, 1);
    sweep(d);
    nb_design_free(d);
}

Test(block_sim, group_scales_fp16_and_bf16)
{
    nb_design *d = make("int4/fp16/32", "e2m1/bf16/32", 4, 2, 0);
    sweep(d);
    nb_design_free(d);
}

Test(block_sim, short_blocks_back_to_back)
{
    /* blocks of one to four tiles, one column, one or two rows, every pipeline depth, few
     * vectors: consecutive blocks of an output leave the array close together */
    const char *specs[] = {"mx:e2m1/e8m0/2", "mx:e2m1/e8m0/4"};
    for (int p = 0; p <= 2; p++)
        for (int sp = 0; sp < 4; sp++) {
            nb_design *d = make(specs[sp % 2], specs[sp % 2], 1 + sp / 2, 1, p);
            for (size_t M = 1; M <= 3; M++)
                for (int v = 0; v < 4; v++)
                    run(d, M, 9, 2, v & 1, v < 2);
            nb_design_free(d);
        }
}

Test(block_sim, pipelined_scale_stage)
{
    /* every --scale-stages (the other tests run the default): the mxfp4 array, and
     * short blocks on the fewest rows the addition's depth allows, where the next
     * block of an output is scaled exactly scale_add_stages cycles after the
     * previous one (forwarding) */
    for (int n = NB_SCALE_STAGES_MIN; n <= NB_SCALE_STAGES_MAX; n++) {
        nb_design *d = make_staged("mxfp4", "mxfp4", 4, 4, 0, n);
        cr_assert_eq(d->scale_latency, n);
        cr_assert_eq(d->scale_term_stages + d->scale_add_stages, n);
        for (int v = 0; v < 4; v++)
            run(d, 5, 3 * 32 + 5, 7, v & 1, v < 2);
        nb_design_free(d);
    }
    const char *specs[] = {"mx:e2m1/e8m0/3", "mx:e2m1/e8m0/6", "mx:e2m1/e8m0/4"};
    for (int n = NB_SCALE_STAGES_MIN; n <= NB_SCALE_STAGES_MAX; n++)
        for (int sp = 0; sp < 3; sp++)
            for (int p = 0; p <= 2; p += 2) {
                int rows = sp == 2 ? 4 : 3;
                nb_design *d = make_staged(specs[sp], specs[sp], rows, 1, p, n);
                for (size_t M = 1; M <= 4; M++)
                    for (int v = 0; v < 4; v++)
                        run(d, M, 13, 2, v & 1, v < 2);
                nb_design_free(d);
            }
}

Test(block_sim, refuses_bad_scale_stages)
{
    nb_design_params p = nb_design_params_default();
    p.weights = "mxfp4";
    p.acts = "mxfp4";
    p.rows = 4;
    p.cols = 2;
    p.scale_stages = 6;
    nb_err err;
    cr_assert_null(nb_design_create(&p, &err));
    cr_assert(strstr(err.msg, "--scale-stages 6 is impossible"), "%s", err.msg);
    p.weights = "e2m1";
    p.acts = "e2m1";
    p.scale_stages = 3;
    cr_assert_null(nb_design_create(&p, &err));
    cr_assert(strstr(err.msg, "needs a block-scaled design"), "%s", err.msg);
}

Test(block_sim, refuses_wrong_group)
{
    nb_design *d = make("mxfp4", "mxfp4", 4, 4, 0);
    uint8_t w[64] = {0}, a[64] = {0};
    uint16_t s[4] = {127, 127, 127, 127};
    float out[4];
    nb_gemm_job job = {.M = 1, .N = 1, .K = 64, .w_codes = w, .a_codes = a, .group = 16,
                       .w_scales = s, .a_scales = s, .facc_out = out};
    int64_t seg[8];
    nb_err err;
    cr_assert_not(nb_gemm_fast(d, &job, seg, NULL, &err));
    cr_assert(strstr(err.msg, "runs blocks of 32 along K (got groups of 16)"), "%s", err.msg);
    nb_design_free(d);
}

Test(block_sim, fixed_point_accumulator)
{
    /* the default register, narrow ones that wrap and saturate (the scale
     * codes near 2^0 overflow them; the wide ones shift block sums out both
     * ways), an int4 x e2m1 pair with a high LSB */
    const char *accs[] = {"fixed", "fixed:20:-6:wrap", "fixed:20:-6:sat", "fixed:62:-200:sat"};
    for (size_t i = 0; i < sizeof accs / sizeof accs[0]; i++) {
        nb_design *d = make_fixed("mxfp4", "mxfp4", 4, 4, 0, accs[i]);
        sweep(d);
        nb_design_free(d);
    }
    nb_design *d = make_fixed("mx:int4/e8m0/16", "mx:e2m1/e8m0/16", 8, 2, 1, "fixed:16:3:sat");
    sweep(d);
    nb_design_free(d);
    /* short blocks: the next block of an output one cycle after the previous
     * one (forwarding of out_facc_o) */
    for (int p = 0; p <= 2; p++) {
        d = make_fixed("mx:e2m1/e8m0/2", "mx:e2m1/e8m0/2", 1, 1, p, "fixed:24:-4:sat");
        for (size_t M = 1; M <= 3; M++)
            for (int v = 0; v < 4; v++)
                run(d, M, 9, 2, v & 1, v < 2);
        nb_design_free(d);
    }
}

Test(block_sim, fixed_point_accumulator_3_cycles)
{
    /* the conversion in a cycle of its own: the next block of an output is
     * scaled two cycles after the previous one at the earliest */
    nb_design *d = make_fixed_staged("mxfp4", "mxfp4", 4, 4, 0, "fixed:40:-16:sat", 3);
    sweep(d);
    nb_design_free(d);
    for (int p = 0; p <= 2; p++) {
        d = make_fixed_staged("mx:e2m1/e8m0/2", "mx:e2m1/e8m0/2", 1, 1, p, "fixed", 3);
        for (size_t M = 1; M <= 3; M++)
            for (int v = 0; v < 4; v++)
                run(d, M, 9, 2, v & 1, v < 2);
        nb_design_free(d);
    }
}
