/* OverQ on real activations (model/src/overq_probe.c) on the tiny random
 * model: a known activation matrix with every count computed by hand, the
 * default (MSE-scale) path against the golden encoder called directly, outputs
 * left unchanged, per-layer bookkeeping and bad input. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/model_overq.h"
#include "nibble/model_quant.h"
#include "nibble/random.h"
#include "tiny_model.h"

static void tiny(nb_llama *m)
{
    nb_llama_config c = tiny_config(false);
    size_t n;
    float *w = tiny_weights(&c, 11, &n);
    nb_err err;
    cr_assert(nb_llama_from_config(&c, w, m, &err), "%s", err.msg);
    free(w);
}

static void formats(const char *list, nb_format *f, int *n)
{
    nb_err err;
    nb_format_opts fo = nb_format_opts_default();
    *n = nb_format_parse_list(list, &fo, f, NB_PROBE_FORMATS_MAX, &err);
    cr_assert(*n > 0, "%s", err.msg);
}

/* Row A (16 slots = the tiny model's dim, two 8-row tiles; scale 1 so each
 * value is its own 4-bit code):
 *   slot  0  1  2  3  4  5  6  7 |  8  9 10 11 12 13 14 15
 *   x    20  0  3 30  5  7  0 17 |  0 40 11  0 25  1  2  3
 * zeros at 1, 6, 8, 11; outliers (> 15) at 0, 3, 7, 9, 12 with the nearest
 * zero below them at distance 1, 3, 1 (across the tile edge), 2, none.
 * Handled, with 8-row tiles, by depth 0..4: 0, 1 {0}, 2 {0,9}, 3 {0,3,9}, 3;
 * without tiles: 0, 2 {0,7}, 3 {0,7,9}, 4 {0,3,7,9}, 4.
 * Row B = -A: ReLU'd it is all zeros; its magnitudes are row A again. */
static const float ROW_A[16] = {20, 0, 3, 30, 5, 7, 0, 17, 0, 40, 11, 0, 25, 1, 2, 3};

static void hand_matrix(float *x)
{
    for (int k = 0; k < 16; k++) {
        x[k] = ROW_A[k];
        x[16 + k] = -ROW_A[k];
    }
}

Test(overq_probe, hand_computed_matrix)
{
    nb_llama m;
    tiny(&m);
    nb_format f[NB_PROBE_FORMATS_MAX];
    int nf;
    formats("int8,int4,e2m1,uint4", f, &nf);
    nb_overq_probe_opts o = nb_overq_probe_opts_default();
    o.tile = 8;
    o.fmts = f;
    o.nfmts = nf;
    o.fixed_scale = 1.0;
    nb_err err;
    nb_overq_probe *p = nb_overq_probe_new(&m, &o, &err);
    cr_assert(p, "%s", err.msg);
    nb_linear_hook h = nb_overq_probe_hook(p, NULL);
    float x[32], y[2 * 16], ref[2 * 16];
    hand_matrix(x);
    /* layer 0 q: counted; k and v read the same input and are not counted again */
    for (int id = NB_LIN_Q; id <= NB_LIN_V; id++) {
        size_t N, K;
        nb_llama_linear_weight(&m, id, &N, &K);
        cr_assert(h.apply(h.ctx, &m, id, x, 2, y, &err), "%s", err.msg);
        nb_llama_linear_f32(&m, id, x, 2, ref);
        cr_assert(memcmp(y, ref, 2 * N * sizeof *y) == 0, "the probe changed the output");
    }
    const nb_act_stats *s = nb_overq_probe_stats(p, 0, NB_IN_QKV);
    cr_assert_eq(s->calls, 1);
    cr_assert_eq(s->tokens, 2);
    cr_assert_eq(s->K, 16);
    cr_assert_eq(s->elements, 32);
    cr_assert_eq(s->zeros, 8);
    cr_assert_eq(s->negatives, 12);
    cr_assert_eq(s->min, -40);
    cr_assert_eq(s->max, 40);
    /* zero codes, per token (absmax 40 in both rows):
     * int8 scale 40/127: only the exact zeros -> 4 + 4;
     * int4 scale 40/7: |x| <= 2.86 -> 0, 1, 2 -> 6 + 6;
     * e2m1 scale 40/6: |x| <= 1.67 (half of 0.5) -> 0, 1 -> 5 + 5;
     * uint4 of max(x, 0): row A scale 40/15, x <= 1.33 -> 5; row B all 0 -> 16 */
    cr_assert_eq(s->zero_codes[0], 8);
    cr_assert_eq(s->zero_codes[1], 12);
    cr_assert_eq(s->zero_codes[2], 10);
    cr_assert_eq(s->zero_codes[3], 21);
    static const int tiled[5] = {0, 1, 2, 3, 3}, untiled[5] = {0, 2, 3, 4, 4};
    for (int d = 0; d < NB_PROBE_DEPTHS; d++) {
        const nb_overq_stats *rt = &s->overq[NB_VIEW_RELU][0][d];
        const nb_overq_stats *ru = &s->overq[NB_VIEW_RELU][1][d];
        const nb_overq_stats *mt = &s->overq[NB_VIEW_MAGNITUDE][0][d];
        const nb_overq_stats *mu = &s->overq[NB_VIEW_MAGNITUDE][1][d];
        cr_assert_eq(rt->slots, 32);
        cr_assert_eq(rt->zeros, 4 + 16, "depth %d", d);
        cr_assert_eq(rt->outliers, 5);
        cr_assert_eq(mt->zeros, 8);
        cr_assert_eq(mt->outliers, 10);
        cr_assert_eq(rt->handled, (size_t)tiled[d], "relu tiled depth %d: %zu", d, rt->handled);
        cr_assert_eq(ru->handled, (size_t)untiled[d], "relu untiled depth %d: %zu", d, ru->handled);
        cr_assert_eq(mt->handled, 2 * (size_t)tiled[d], "magnitude tiled depth %d", d);
        cr_assert_eq(mu->handled, 2 * (size_t)untiled[d], "magnitude untiled depth %d", d);
        cr_assert_float_eq(nb_act_coverage(s, NB_VIEW_RELU, true, d), tiled[d] / 5.0, 1e-12);
        cr_assert_float_eq(nb_act_coverage(s, NB_VIEW_MAGNITUDE, false, d), untiled[d] / 5.0,
                           1e-12);
    }
    /* by distance to the zero used, depth 3 in tiles: 0 -> 1, 9 -> 2, 3 -> 3 */
    const nb_overq_stats *d3 = &s->overq[NB_VIEW_RELU][0][3];
    cr_assert(d3->handled_at[1] == 1 && d3->handled_at[2] == 1 && d3->handled_at[3] == 1);
    cr_assert_eq(d3->clipped, 2);
    /* nothing else was counted */
    cr_assert_eq(nb_overq_probe_stats(p, 1, NB_IN_QKV)->calls, 0);
    cr_assert_eq(nb_overq_probe_stats(p, 0, NB_IN_GATEUP)->calls, 0);
    nb_overq_probe_free(p);
    nb_llama_free(&m);
}

/* Tiles shorter than a chain: those depths are not counted (coverage NaN). */
Test(overq_probe, depth_beyond_tile)
{
    nb_llama m;
    tiny(&m);
    nb_overq_probe_opts o = nb_overq_probe_opts_default();
    o.tile = 2;
    o.fixed_scale = 1.0;
    nb_err err;
    nb_overq_probe *p = nb_overq_probe_new(&m, &o, &err);
    cr_assert(p, "%s", err.msg);
    nb_linear_hook h = nb_overq_probe_hook(p, NULL);
    float x[32], y[64];
    hand_matrix(x);
    cr_assert(h.apply(h.ctx, &m, NB_LIN_Q, x, 2, y, &err), "%s", err.msg);
    const nb_act_stats *s = nb_overq_probe_stats(p, 0, NB_IN_QKV);
    /* 2-row tiles {0,1} {2,3} ...: only 0 (zero at 1) is within reach at depth 1 */
    cr_assert_float_eq(nb_act_coverage(s, NB_VIEW_RELU, true, 1), 1 / 5.0, 1e-12);
    for (int d = 2; d < NB_PROBE_DEPTHS; d++) {
        cr_assert_eq(s->overq[NB_VIEW_RELU][0][d].slots, 0);
        cr_assert(isnan(nb_act_coverage(s, NB_VIEW_RELU, true, d)));
        cr_assert_eq(s->overq[NB_VIEW_RELU][1][d].slots, 32);
    }
    nb_overq_probe_free(p);
    nb_llama_free(&m);
}

/* The default scale: each token's best plain 4-bit scale. The probe's counts
 * equal the golden encoder's, called directly token by token. */
Test(overq_probe, default_scale_matches_golden_encoder)
{
    nb_llama m;
    tiny(&m);
    size_t N, K, M = 64;
    int id = 1 * NB_LIN_KINDS + NB_LIN_DOWN;
    nb_llama_linear_weight(&m, id, &N, &K);
    float *x = malloc(M * K * sizeof *x), *y = malloc(M * N * sizeof *y);
    /* heavy tails (t with 2 degrees of freedom), so the best 4-bit scale clips */
    nb_err err;
    nb_dist dist;
    cr_assert(nb_dist_parse("t:2", &dist, &err), "%s", err.msg);
    nb_rng *rng = nb_rng_new(5);
    nb_rng_fill(rng, &dist, x, M * K);
    nb_rng_free(rng);
    nb_overq_probe_opts o = nb_overq_probe_opts_default();
    nb_overq_probe *p = nb_overq_probe_new(&m, &o, &err);
    cr_assert(p, "%s", err.msg);
    nb_linear_hook h = nb_overq_probe_hook(p, NULL);
    cr_assert(h.apply(h.ctx, &m, id, x, M, y, &err), "%s", err.msg);
    const nb_act_stats *s = nb_overq_probe_stats(p, 1, NB_IN_DOWN);
    float *row = malloc(K * sizeof *row);
    uint16_t *u = malloc(K * sizeof *u);
    uint8_t *nib = malloc(K), *tag = malloc(K);
    for (int d = 0; d < NB_PROBE_DEPTHS; d++) {
        nb_overq_stats want = {0};
        for (size_t r = 0; r < M; r++) {
            for (size_t k = 0; k < K; k++)
                row[k] = x[r * K + k] > 0 ? x[r * K + k] : 0;
            double scale = nb_overq_mse_scale(row, K);
            nb_overq_inputs(row, K, scale, NB_OVERQ_RANGE, u);
            nb_overq_params op = {d, NB_OVERQ_RANGE, 8};
            nb_overq_encode(u, K, &op, nib, tag, &want);
        }
        const nb_overq_stats *got = &s->overq[NB_VIEW_RELU][0][d];
        cr_assert_eq(got->slots, want.slots);
        cr_assert_eq(got->zeros, want.zeros);
        cr_assert_eq(got->outliers, want.outliers);
        cr_assert_eq(got->handled, want.handled, "depth %d", d);
    }
    cr_assert_gt(s->overq[NB_VIEW_RELU][0][0].outliers, 0, "the test data should have outliers");
    free(row), free(u), free(nib), free(tag), free(x), free(y);
    nb_overq_probe_free(p);
    nb_llama_free(&m);
}

/* Through whole forward passes the probe changes nothing, with or without an
 * inner hook, and counts every layer's input once per token. */
Test(overq_probe, forward_unchanged_and_bookkeeping)
{
    nb_llama m;
    tiny(&m);
    static const int ids[] = {1, 17, 260, 5, 299, 0, 42, 42, 7, 100};
    size_t n = sizeof ids / sizeof ids[0], V = (size_t)m.cfg.vocab_size;
    nb_err err;
    nb_design_params dp = nb_design_params_default();
    dp.weights = "int4";
    dp.acts = "int8";
    dp.rows = 4;
    dp.cols = 4;
    nb_design *d = nb_design_create(&dp, &err);
    cr_assert(d, "%s", err.msg);
    nb_qlinear_opts qo = nb_qlinear_opts_default();
    nb_qlinear *q = nb_qlinear_new(&m, d, 0, 0, &qo, &err);
    cr_assert(q, "%s", err.msg);
    nb_linear_hook qh = nb_qlinear_hook(q);
    for (int inner = 0; inner < 2; inner++) {
        nb_overq_probe_opts o = nb_overq_probe_opts_default();
        nb_overq_probe *p = nb_overq_probe_new(&m, &o, &err);
        cr_assert(p, "%s", err.msg);
        nb_linear_hook h = nb_overq_probe_hook(p, inner ? &qh : NULL);
        float *a = malloc(n * V * sizeof *a), *b = malloc(n * V * sizeof *b);
        nb_llama_state s;
        cr_assert(nb_llama_state_init(&m, &s, &err));
        cr_assert(nb_llama_forward(&m, &s, inner ? &qh : NULL, ids, n, a, &err), "%s", err.msg);
        nb_llama_state_reset(&s);
        cr_assert(nb_llama_forward(&m, &s, &h, ids, n, b, &err), "%s", err.msg);
        cr_assert(memcmp(a, b, n * V * sizeof *a) == 0, "the probe changed the logits");
        for (int l = 0; l < m.cfg.n_layers; l++)
            for (int in = 0; in < NB_IN_CLS; in++) {
                const nb_act_stats *st = nb_overq_probe_stats(p, l, (nb_llama_input)in);
                cr_assert_eq(st->tokens, n);
                cr_assert_eq(st->K, in == NB_IN_DOWN ? (size_t)m.cfg.hidden_dim : (size_t)m.cfg.dim);
                cr_assert_eq(st->elements, n * st->K);
            }
        const nb_act_stats *cls = nb_overq_probe_stats(p, m.cfg.n_layers, NB_IN_CLS);
        cr_assert_eq(cls->tokens, n);
        cr_assert_null(nb_overq_probe_stats(p, m.cfg.n_layers + 1, NB_IN_QKV));
        nb_act_stats tot;
        nb_overq_probe_total(p, NB_IN_DOWN, &tot);
        cr_assert_eq(tot.tokens, n * (size_t)m.cfg.n_layers);
        cr_assert_eq(tot.overq[NB_VIEW_RELU][0][3].outliers,
                     nb_overq_probe_stats(p, 0, NB_IN_DOWN)->overq[NB_VIEW_RELU][0][3].outliers +
                         nb_overq_probe_stats(p, 1, NB_IN_DOWN)->overq[NB_VIEW_RELU][0][3].outliers);
        nb_llama_state_free(&s);
        free(a), free(b);
        nb_overq_probe_free(p);
    }
    nb_qlinear_free(q);
    nb_design_free(d);
    nb_llama_free(&m);
}

/* The ReLU hook: the chosen inputs' layers see max(x, 0), the others x. */
Test(overq_probe, relu_inputs)
{
    nb_llama m;
    tiny(&m);
    nb_err err;
    nb_relu_inputs *r = nb_relu_inputs_new(1u << NB_IN_QKV, NULL, &err);
    cr_assert(r, "%s", err.msg);
    nb_linear_hook h = nb_relu_inputs_hook(r);
    float x[32], relu[32], y[64], ref[64];
    hand_matrix(x);
    for (int i = 0; i < 32; i++)
        relu[i] = x[i] > 0 ? x[i] : 0;
    size_t N, K;
    for (int id = NB_LIN_Q; id <= NB_LIN_O; id++) {
        nb_llama_linear_weight(&m, id, &N, &K);
        cr_assert(h.apply(h.ctx, &m, id, x, 2, y, &err), "%s", err.msg);
        nb_llama_linear_f32(&m, id, id == NB_LIN_O ? x : relu, 2, ref);
        cr_assert(memcmp(y, ref, 2 * N * sizeof *y) == 0, "layer id %d", id);
    }
    nb_relu_inputs_free(r);
    cr_assert_null(nb_relu_inputs_new(1u << NB_IN_KINDS, NULL, &err));
    cr_assert(strstr(err.msg, "names inputs that do not exist"), "%s", err.msg);
    nb_llama_free(&m);
}

Test(overq_probe, bad_input)
{
    nb_llama m;
    tiny(&m);
    nb_format f[NB_PROBE_FORMATS_MAX];
    int nf;
    formats("int8,overq", f, &nf);
    nb_overq_probe_opts o = nb_overq_probe_opts_default();
    o.fmts = f;
    o.nfmts = nf;
    nb_err err;
    cr_assert_null(nb_overq_probe_new(&m, &o, &err));
    cr_assert(strstr(err.msg, "overq is not counted as a plain activation format"), "%s", err.msg);
    o.nfmts = NB_PROBE_FORMATS_MAX + 1;
    cr_assert_null(nb_overq_probe_new(&m, &o, &err));
    cr_assert(strstr(err.msg, "at most 8 activation formats"), "%s", err.msg);
    o.nfmts = 0;
    o.fixed_scale = -1;
    cr_assert_null(nb_overq_probe_new(&m, &o, &err));
    cr_assert(strstr(err.msg, "is not a finite number >= 0"), "%s", err.msg);
    o.fixed_scale = 0;
    nb_overq_probe *p = nb_overq_probe_new(&m, &o, &err);
    cr_assert(p, "%s", err.msg);
    nb_linear_hook h = nb_overq_probe_hook(p, NULL);
    float x[16] = {0}, y[16];
    x[5] = NAN;
    cr_assert_not(h.apply(h.ctx, &m, NB_LIN_KINDS + NB_LIN_O, x, 1, y, &err));
    cr_assert(strstr(err.msg, "the input of layer 1 o"), "%s", err.msg);
    nb_overq_probe_free(p);
    nb_llama_free(&m);
}
