#define _POSIX_C_SOURCE 200809L
/* The model runner on tiny random checkpoints the test writes: both llama2.c
 * formats, whole-sequence vs token-by-token evaluation, the tokenizer, and
 * bad input. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nibble/block_gemm.h"
#include "nibble/block_quant.h"
#include "nibble/model.h"
#include "nibble/model_eval.h"
#include "nibble/model_quant.h"
#include "nibble/tokenizer.h"
#include "test_support.h"
#include "tiny_model.h"

static const int SEQ[] = {1, 17, 260, 5, 299, 0, 42, 42, 7, 100, 3, 250, 18, 9, 1, 77};
#define SEQ_N (sizeof SEQ / sizeof SEQ[0])

static void load_tiny(const char *name, bool shared, int version, nb_llama *m)
{
    char path[512];
    test_tmp_path(path, sizeof path, name);
    nb_llama_config c = tiny_config(shared);
    size_t n;
    float *w = tiny_weights(&c, 7, &n);
    tiny_write_checkpoint(path, &c, w, version);
    free(w);
    nb_err err;
    cr_assert(nb_llama_load(path, m, &err), "%s", err.msg);
}

static float *whole_logits(const nb_llama *m, const int *ids, size_t n)
{
    nb_llama_state s;
    nb_err err;
    cr_assert(nb_llama_state_init(m, &s, &err));
    float *lg = malloc(n * (size_t)m->cfg.vocab_size * sizeof *lg);
    cr_assert(nb_llama_forward(m, &s, NULL, ids, n, lg, &err), "%s", err.msg);
    nb_llama_state_free(&s);
    return lg;
}

Test(model, whole_sequence_equals_token_by_token)
{
    for (int shared = 0; shared < 2; shared++) {
        nb_llama m;
        load_tiny(shared ? "tied.bin" : "untied.bin", shared, 0, &m);
        size_t V = (size_t)m.cfg.vocab_size;
        float *whole = whole_logits(&m, SEQ, SEQ_N);
        nb_llama_state s;
        nb_err err;
        cr_assert(nb_llama_state_init(&m, &s, &err));
        float *one = malloc(V * sizeof *one);
        double worst = 0;
        for (size_t t = 0; t < SEQ_N; t++) {
            cr_assert(nb_llama_forward(&m, &s, NULL, SEQ + t, 1, one, &err), "%s", err.msg);
            for (size_t i = 0; i < V; i++)
                worst = fmax(worst, fabs((double)one[i] - whole[t * V + i]));
        }
        cr_expect_leq(worst, 1e-5, "whole vs token-by-token differ by %g", worst);
        /* a prefix does not see later tokens (causality) */
        float *prefix = whole_logits(&m, SEQ, 5);
        cr_expect_eq(memcmp(prefix, whole, 5 * V * sizeof *prefix), 0);
        /* and the logits are not trivially equal across positions */
        cr_expect_neq(memcmp(whole, whole + V, V * sizeof *whole), 0);
        free(prefix), free(one), free(whole);
        nb_llama_state_free(&s);
        nb_llama_free(&m);
    }
}

Test(model, versioned_format_reads_like_legacy)
{
    for (int shared = 0; shared < 2; shared++) {
        nb_llama a, b;
        load_tiny("legacy.bin", shared, 0, &a);
        load_tiny("v1.bin", shared, 1, &b);
        cr_expect_eq(a.cfg.shared_classifier, (bool)shared);
        cr_expect_eq(b.cfg.shared_classifier, (bool)shared);
        cr_expect_eq(a.cfg.vocab_size, 300);
        float *la = whole_logits(&a, SEQ, SEQ_N), *lb = whole_logits(&b, SEQ, SEQ_N);
        cr_expect_eq(memcmp(la, lb, SEQ_N * 300 * sizeof *la), 0);
        free(la), free(lb);
        nb_llama_free(&a);
        nb_llama_free(&b);
    }
}

Test(model, separate_classifier_is_used)
{
    nb_llama m;
    load_tiny("untied2.bin", false, 0, &m);
    cr_expect_neq(m.wcls, m.tok_emb);
    size_t N, K;
    cr_expect_eq(nb_llama_linear_weight(&m, nb_llama_classifier_id(&m), &N, &K), m.wcls);
    cr_expect_eq(N, 300);
    cr_expect_eq(K, 16);
    nb_llama_free(&m);
}

static void expect_load_error(const char *path, const char *pattern)
{
    nb_llama m;
    nb_err err;
    cr_assert_not(nb_llama_load(path, &m, &err));
    cr_expect(strstr(err.msg, pattern) != NULL, "message '%s' lacks '%s'", err.msg, pattern);
    cr_expect_null(m.data);
}

static void patch_i32(const char *path, long off, int v)
{
    FILE *f = fopen(path, "r+b");
    fseek(f, off, SEEK_SET);
    fwrite(&v, 4, 1, f);
    fclose(f);
}

Test(model, bad_checkpoints)
{
    char path[512];
    test_tmp_path(path, sizeof path, "bad.bin");
    nb_llama_config c = tiny_config(true);
    size_t n;
    float *w = tiny_weights(&c, 3, &n);
    tiny_write_checkpoint(path, &c, w, 0);
    FILE *f = fopen(path, "r+b");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    cr_assert_eq(truncate(path, size - 4), 0);
    expect_load_error(path, "the file has");
    cr_assert_eq(truncate(path, 10), 0);
    expect_load_error(path, "shorter than a llama2.c header");
    /* a header that disagrees with the file size: one layer more */
    tiny_write_checkpoint(path, &c, w, 0);
    patch_i32(path, 8, 3);
    expect_load_error(path, "needs");
    tiny_write_checkpoint(path, &c, w, 0);
    patch_i32(path, 12, 3);
    expect_load_error(path, "not a multiple of n_heads");
    /* version 2 (int8) is refused */
    c = tiny_config(true);
    tiny_write_checkpoint(path, &c, w, 1);
    patch_i32(path, 4, 2);
    expect_load_error(path, "version 2 is not supported");
    expect_load_error("/nonexistent/x.bin", "cannot open");
    free(w);
}

Test(model, out_of_range_token_and_overlong_sequence)
{
    nb_llama m;
    load_tiny("range.bin", true, 0, &m);
    nb_llama_state s;
    nb_err err;
    cr_assert(nb_llama_state_init(&m, &s, &err));
    float *lg = malloc(40 * 300 * sizeof *lg);
    int bad[2] = {1, 300};
    cr_expect_not(nb_llama_forward(&m, &s, NULL, bad, 2, lg, &err));
    cr_expect(strstr(err.msg, "token id 300 (position 1) is out of the model's vocabulary 0..299"),
              "%s", err.msg);
    int many[40] = {0};
    cr_expect_not(nb_llama_forward(&m, &s, NULL, many, 40, lg, &err));
    cr_expect(strstr(err.msg, "does not fit the model's seq_len 32"), "%s", err.msg);
    free(lg);
    nb_llama_state_free(&s);
    nb_llama_free(&m);
}

static void encode(const nb_tokenizer *t, const char *text, bool bos, int *ids, size_t *n)
{
    int *out;
    nb_err err;
    cr_assert(nb_tokenizer_encode(t, text, strlen(text), bos, &out, n, &err), "%s", err.msg);
    memcpy(ids, out, *n * sizeof *ids);
    free(out);
}

Test(tokenizer, merges_bytes_and_dummy_prefix)
{
    char path[512];
    test_tmp_path(path, sizeof path, "tok.bin");
    tiny_write_tokenizer(path, 300);
    nb_tokenizer t;
    nb_err err;
    cr_assert(nb_tokenizer_load(path, 300, &t, &err), "%s", err.msg);
    int ids[64];
    size_t n;
    /* " ab ba": " a" merges first, then " ab", then "ba" */
    encode(&t, "ab ba", true, ids, &n);
    cr_assert_eq(n, 4);
    cr_expect_eq(ids[0], 1);
    cr_expect_eq(ids[1], 264);
    cr_expect_eq(ids[2], 259);
    cr_expect_eq(ids[3], 265);
    /* bytes without a piece fall back to <0xXX> = byte + 3 here */
    encode(&t, "\xc3\xa9", false, ids, &n);
    cr_assert_eq(n, 3);
    cr_expect_eq(ids[0], 259);
    cr_expect_eq(ids[1], 0xC3 + 3);
    cr_expect_eq(ids[2], 0xA9 + 3);
    /* empty text: no dummy prefix */
    encode(&t, "", true, ids, &n);
    cr_expect_eq(n, 1);
    /* decoding: byte tokens give the byte, the space after BOS is dropped */
    char buf[16];
    cr_expect_eq(nb_tokenizer_decode(&t, 5, 0xC3 + 3, buf, sizeof buf), 1);
    cr_expect_eq((unsigned char)buf[0], 0xC3);
    nb_tokenizer_decode(&t, 1, 264, buf, sizeof buf);
    cr_expect_str_eq(buf, "ab");
    nb_tokenizer_decode(&t, 7, 264, buf, sizeof buf);
    cr_expect_str_eq(buf, " ab");
    nb_tokenizer_free(&t);
}

Test(tokenizer, vocabulary_must_match_the_model)
{
    char path[512];
    test_tmp_path(path, sizeof path, "tok_small.bin");
    tiny_write_tokenizer(path, 290);
    nb_tokenizer t;
    nb_err err;
    cr_expect_not(nb_tokenizer_load(path, 300, &t, &err));
    cr_expect(strstr(err.msg, "holds 290 tokens but the model's vocabulary has 300"), "%s",
              err.msg);
    tiny_write_tokenizer(path, 310);
    cr_expect_not(nb_tokenizer_load(path, 300, &t, &err));
    cr_expect(strstr(err.msg, "holds more than 300 tokens"), "%s", err.msg);
    cr_expect_null(t.vocab);
}

static void write_npy(const char *path, const char *descr, const char *shape, const void *data,
                      size_t bytes)
{
    char hdr[128];
    int len = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                       descr, shape);
    int total = 10 + len + 1;
    int pad = (64 - total % 64) % 64;
    FILE *f = fopen(path, "wb");
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    unsigned short hl = (unsigned short)(len + pad + 1);
    fwrite(&hl, 2, 1, f);
    fwrite(hdr, 1, (size_t)len, f);
    for (int i = 0; i < pad; i++)
        fputc(' ', f);
    fputc('\n', f);
    fwrite(data, 1, bytes, f);
    fclose(f);
}

Test(tokenizer, npy_token_ids)
{
    char path[512];
    test_tmp_path(path, sizeof path, "ids.npy");
    long long ids64[6] = {1, 5, 7, 1, 9, -1};
    write_npy(path, "<i8", "(2, 3)", ids64, sizeof ids64);
    nb_token_rows r;
    nb_err err;
    cr_assert(nb_tokens_load_npy(path, &r, &err), "%s", err.msg);
    cr_expect_eq(r.rows, 2);
    cr_expect_eq(r.off[1], 3);
    cr_expect_eq(r.off[2], 5);
    cr_expect_eq(r.ids[4], 9);
    nb_token_rows_free(&r);
    int ids32[4] = {1, 2, 3, 4};
    write_npy(path, "<i4", "(4,)", ids32, sizeof ids32);
    cr_assert(nb_tokens_load_npy(path, &r, &err), "%s", err.msg);
    cr_expect_eq(r.rows, 1);
    cr_expect_eq(r.off[1], 4);
    nb_token_rows_free(&r);
    write_npy(path, "<i4", "(5,)", ids32, sizeof ids32);
    cr_expect_not(nb_tokens_load_npy(path, &r, &err));
    cr_expect(strstr(err.msg, "truncated or damaged"), "%s", err.msg);
    write_npy(path, "<f4", "(4,)", ids32, sizeof ids32);
    cr_expect_not(nb_tokens_load_npy(path, &r, &err));
    cr_expect(strstr(err.msg, "int32 or int64"), "%s", err.msg);
}

/* ---- the quantized path --------------------------------------------------- */

static nb_design *make_design(const char *w, const char *a)
{
    nb_design_params p = nb_design_params_default();
    p.weights = w;
    p.acts = a;
    p.rows = 4;
    p.cols = 4;
    nb_err err;
    nb_design *d = nb_design_create(&p, &err);
    cr_assert_not_null(d, "%s", err.msg);
    return d;
}

/* The hook equals the float GEMM of the dequantized weights and activations
 * (per-group weight scales, one activation scale per token), for every layer
 * kind, including a shorter last group (hidden 40 in groups of 16). */
Test(quant, linear_layers_equal_dequantized_float_gemm)
{
    nb_llama m;
    load_tiny("q.bin", false, 0, &m);
    const char *wfmts[] = {"int4", "e2m1", "nf4"};
    for (int f = 0; f < 3; f++)
        for (size_t group = 0; group <= 16; group += 16) {
            nb_design *d = make_design(wfmts[f], "int8");
            nb_qlinear_opts o = nb_qlinear_opts_default();
            o.group = group;
            o.classifier = true;
            nb_err err;
            nb_qlinear *q = nb_qlinear_new(&m, d, 0, 0, &o, &err);
            cr_assert_not_null(q, "%s", err.msg);
            nb_linear_hook h = nb_qlinear_hook(q);
            for (int id = 0; id < nb_llama_num_linear(&m); id++) {
                size_t N, K, M = 5;
                const float *w = nb_llama_linear_weight(&m, id, &N, &K);
                float *x = malloc(M * K * sizeof *x), *y = malloc(M * N * sizeof *y);
                for (size_t i = 0; i < M * K; i++)
                    x[i] = sinf((float)(i * 7 + (size_t)id)) * 2.0f;
                cr_assert(h.apply(h.ctx, &m, id, x, M, y, &err), "%s", err.msg);
                nb_quant_opts wo = nb_quant_opts_default(), ao = nb_quant_opts_default();
                wo.granularity = group && group < K ? NB_SCALE_GROUP : NB_SCALE_CHANNEL;
                wo.group_size = group ? group : 128;
                ao.granularity = NB_SCALE_CHANNEL;
                nb_qtensor wq, aq;
                cr_assert(nb_quantize(w, N, K, &d->w[0], &wo, &wq, &err));
                cr_assert(nb_quantize(x, M, K, &d->a[0], &ao, &aq, &err));
                float *wd = malloc(N * K * sizeof *wd), *xd = malloc(M * K * sizeof *xd);
                nb_dequantize(&wq, wd);
                nb_dequantize(&aq, xd);
                double worst = 0, scale = 0;
                for (size_t i = 0; i < M; i++)
                    for (size_t n = 0; n < N; n++) {
                        double acc = 0;
                        for (size_t k = 0; k < K; k++)
                            acc += (double)xd[i * K + k] * wd[n * K + k];
                        worst = fmax(worst, fabs(acc - y[i * N + n]));
                        scale = fmax(scale, fabs(acc));
                    }
                cr_expect_leq(worst, 1e-5 * fmax(scale, 1.0), "%s g%zu layer %d: off by %g",
                              wfmts[f], group, id, worst);
                nb_qtensor_free(&wq);
                nb_qtensor_free(&aq);
                free(x), free(y), free(wd), free(xd);
            }
            nb_qlinear_free(q);
            nb_design_free(d);
        }
    nb_llama_free(&m);
}

Test(quant, whole_sequence_equals_token_by_token)
{
    nb_llama m;
    load_tiny("q2.bin", true, 0, &m);
    nb_design *d = make_design("e2m1", "int4");
    nb_qlinear_opts o = nb_qlinear_opts_default();
    o.group = 8;
    nb_err err;
    nb_qlinear *q = nb_qlinear_new(&m, d, 0, 0, &o, &err);
    cr_assert_not_null(q, "%s", err.msg);
    nb_linear_hook h = nb_qlinear_hook(q);
    size_t V = 300;
    float *whole = malloc(SEQ_N * V * sizeof *whole), *one = malloc(V * sizeof *one),
          *fl = malloc(SEQ_N * V * sizeof *fl);
    nb_llama_state s;
    cr_assert(nb_llama_state_init(&m, &s, &err));
    cr_assert(nb_llama_forward(&m, &s, &h, SEQ, SEQ_N, whole, &err), "%s", err.msg);
    nb_llama_state_reset(&s);
    cr_assert(nb_llama_forward(&m, &s, NULL, SEQ, SEQ_N, fl, &err), "%s", err.msg);
    nb_llama_state_reset(&s);
    double worst = 0, moved = 0;
    for (size_t t = 0; t < SEQ_N; t++) {
        cr_assert(nb_llama_forward(&m, &s, &h, SEQ + t, 1, one, &err), "%s", err.msg);
        for (size_t i = 0; i < V; i++) {
            worst = fmax(worst, fabs((double)one[i] - whole[t * V + i]));
            moved = fmax(moved, fabs((double)fl[t * V + i] - whole[t * V + i]));
        }
    }
    cr_expect_leq(worst, 1e-5);
    cr_expect_gt(moved, 1e-3, "4-bit arithmetic should change the logits (max change %g)", moved);
    free(whole), free(one), free(fl);
    nb_llama_state_free(&s);
    nb_qlinear_free(q);
    nb_design_free(d);
    nb_llama_free(&m);
}

Test(quant, unsigned_activations_on_signed_inputs_are_refused)
{
    nb_llama m;
    load_tiny("q3.bin", true, 0, &m);
    nb_design *d = make_design("int4", "uint4");
    nb_qlinear_opts o = nb_qlinear_opts_default();
    nb_err err;
    nb_qlinear *q = nb_qlinear_new(&m, d, 0, 0, &o, &err);
    cr_assert_not_null(q, "%s", err.msg);
    nb_linear_hook h = nb_qlinear_hook(q);
    nb_llama_state s;
    cr_assert(nb_llama_state_init(&m, &s, &err));
    float *lg = malloc(SEQ_N * 300 * sizeof *lg);
    cr_expect_not(nb_llama_forward(&m, &s, &h, SEQ, SEQ_N, lg, &err));
    cr_expect(strstr(err.msg, "the inputs of layer 0 q go negative") &&
              strstr(err.msg, "activation format uint4 is unsigned"), "%s", err.msg);
    free(lg);
    nb_llama_state_free(&s);
    nb_qlinear_free(q);
    nb_design_free(d);
    nb_llama_free(&m);
}

/* ---- block-scaled designs ------------------------------------------------- */

/* Every layer of a block-scaled design gives, bit for bit, the golden block
 * GEMM (nb_block_gemm, epilogue included) of the weights and activations
 * block-quantized here independently (nb_block_quantize with the design's
 * block formats): E8M0 (rceil and floor), UE4M3 with NVFP4's tensor scales,
 * FP16 group scales, and a mix; hidden 40 gives a shorter last block. The
 * inputs span several binades so the blocks get different scales. */
Test(quant, block_layers_equal_golden_block_gemm)
{
    nb_llama m;
    load_tiny("qb.bin", false, 0, &m);
    static const struct {
        const char *w, *a;
        bool floor;
    } CASES[] = {{"mxfp4", "mxfp4", false},           {"mx:sf4/e8m0/16", "mx:e2m1/e8m0/16", true},
                 {"nvfp4", "nvfp4", false},           {"int4/fp16/8", "int4/fp16/8", false},
                 {"nvfp4", "int4/fp16/16", false}};
    for (size_t c = 0; c < sizeof CASES / sizeof CASES[0]; c++) {
        nb_design *d = make_design(CASES[c].w, CASES[c].a);
        cr_assert(d->block_scaled);
        nb_qlinear_opts o = nb_qlinear_opts_default();
        o.classifier = true;
        o.scale_rule_set = CASES[c].floor;
        o.scale_rule = NB_RULE_FLOOR;
        nb_err err;
        nb_qlinear *q = nb_qlinear_new(&m, d, 0, 0, &o, &err);
        cr_assert_not_null(q, "%s", err.msg);
        nb_linear_hook h = nb_qlinear_hook(q);
        nb_block_format wbf = d->wblock, abf = d->ablock;
        if (CASES[c].floor)
            wbf.rule = abf.rule = NB_RULE_FLOOR;
        cr_expect_eq(nb_qlinear_block_format(q, true)->rule, wbf.rule);
        cr_expect_eq(nb_qlinear_block_format(q, false)->rule, abf.rule);
        for (int id = 0; id < nb_llama_num_linear(&m); id++) {
            size_t N, K, M = 5;
            const float *w = nb_llama_linear_weight(&m, id, &N, &K);
            float *x = malloc(M * K * sizeof *x), *y = malloc(M * N * sizeof *y),
                  *want = malloc(M * N * sizeof *want);
            for (size_t i = 0; i < M * K; i++)
                x[i] = sinf((float)(i * 7 + (size_t)id)) * ldexpf(1.0f, (int)(i / 8 % 5) - 2);
            cr_assert(h.apply(h.ctx, &m, id, x, M, y, &err), "%s", err.msg);
            nb_block_qtensor wq, aq;
            cr_assert(nb_block_quantize(w, N, K, &wbf, &wq, &err), "%s", err.msg);
            cr_assert(nb_block_quantize(x, M, K, &abf, &aq, &err), "%s", err.msg);
            nb_block_gemm_args g = {.M = M, .N = N, .K = K, .wf = &wbf, .af = &abf,
                                    .w_codes = wq.codes, .w_scales = wq.scales,
                                    .a_codes = aq.codes, .a_scales = aq.scales,
                                    .w_tensor_scale = wq.tensor_scale,
                                    .a_tensor_scale = aq.tensor_scale};
            cr_assert(nb_block_gemm(&g, want, &err), "%s", err.msg);
            double worst = 0, scale = 0;
            for (size_t i = 0; i < M * N; i++) {
                cr_assert(memcmp(&y[i], &want[i], sizeof *y) == 0,
                          "%s x %s layer %d output %zu: hook %a, golden %a", CASES[c].w,
                          CASES[c].a, id, i, (double)y[i], (double)want[i]);
                double acc = 0;
                for (size_t k = 0; k < K; k++)
                    acc += (double)x[i / N * K + k] * w[i % N * K + k];
                worst = fmax(worst, fabs(acc - y[i]));
                scale = fmax(scale, fabs(acc));
            }
            /* and it is the layer (4-bit rounding apart), not some other number */
            cr_expect_lt(worst, 0.5 * scale, "%s x %s layer %d: off by %g of %g", CASES[c].w,
                         CASES[c].a, id, worst, scale);
            nb_block_qtensor_free(&wq);
            nb_block_qtensor_free(&aq);
            free(x), free(y), free(want);
        }
        nb_qlinear_free(q);
        nb_design_free(d);
    }
    nb_llama_free(&m);
}

/* Activation blocks run along K per token, so whole-sequence and token-by-token
 * evaluation agree (no tensor scale: with NVFP4 activations the FP32 tensor
 * scale spans the tokens of the call, model/README.md). */
Test(quant, block_whole_sequence_equals_token_by_token)
{
    nb_llama m;
    load_tiny("qb2.bin", true, 0, &m);
    nb_design *d = make_design("mxfp4", "mxfp4");
    nb_qlinear_opts o = nb_qlinear_opts_default();
    nb_err err;
    nb_qlinear *q = nb_qlinear_new(&m, d, 0, 0, &o, &err);
    cr_assert_not_null(q, "%s", err.msg);
    nb_linear_hook h = nb_qlinear_hook(q);
    size_t V = 300;
    float *whole = malloc(SEQ_N * V * sizeof *whole), *one = malloc(V * sizeof *one),
          *fl = malloc(SEQ_N * V * sizeof *fl);
    nb_llama_state s;
    cr_assert(nb_llama_state_init(&m, &s, &err));
    cr_assert(nb_llama_forward(&m, &s, &h, SEQ, SEQ_N, whole, &err), "%s", err.msg);
    nb_llama_state_reset(&s);
    cr_assert(nb_llama_forward(&m, &s, NULL, SEQ, SEQ_N, fl, &err), "%s", err.msg);
    nb_llama_state_reset(&s);
    double worst = 0, moved = 0;
    for (size_t t = 0; t < SEQ_N; t++) {
        cr_assert(nb_llama_forward(&m, &s, &h, SEQ + t, 1, one, &err), "%s", err.msg);
        for (size_t i = 0; i < V; i++) {
            worst = fmax(worst, fabs((double)one[i] - whole[t * V + i]));
            moved = fmax(moved, fabs((double)fl[t * V + i] - whole[t * V + i]));
        }
    }
    cr_expect_leq(worst, 1e-5);
    cr_expect_gt(moved, 1e-3, "mxfp4 should change the logits (max change %g)", moved);
    /* 2 blocks x 7 layers (the classifier in float), once whole and once per token */
    cr_expect_eq(nb_qlinear_get_totals(q).gemms, 14 * (SEQ_N + 1));
    free(whole), free(one), free(fl);
    nb_llama_state_free(&s);
    nb_qlinear_free(q);
    nb_design_free(d);
    nb_llama_free(&m);
}

/* What does not fit a block-scaled design is refused with a message. */
Test(quant, block_options_refused)
{
    nb_llama m;
    load_tiny("qb3.bin", true, 0, &m);
    nb_design *blk = make_design("mxfp4", "mxfp4"), *plain = make_design("int4", "int8");
    nb_err err;
    nb_qlinear_opts o = nb_qlinear_opts_default();
    o.group = 16;
    cr_expect_null(nb_qlinear_new(&m, blk, 0, 0, &o, &err));
    cr_expect(strstr(err.msg, "weight groups of 16 do not apply to the block-scaled design") &&
              strstr(err.msg, "blocks of 32"), "%s", err.msg);
    o = nb_qlinear_opts_default();
    o.scale_rule_set = true;
    o.scale_rule = NB_RULE_NEAREST;
    cr_expect_null(nb_qlinear_new(&m, blk, 0, 0, &o, &err));
    cr_expect(strstr(err.msg, "scale rule nearest does not fit the design's scales"), "%s", err.msg);
    o.scale_rule = NB_RULE_FLOOR;
    cr_expect_null(nb_qlinear_new(&m, plain, 0, 0, &o, &err));
    cr_expect(strstr(err.msg, "a scale rule applies to block-scaled designs only"), "%s", err.msg);
    nb_design_free(blk);
    nb_design_free(plain);
    nb_llama_free(&m);
}

/* ---- Hugging Face layout ------------------------------------------------- */

typedef struct st_item {
    char name[96];
    const float *data;
    size_t rows, cols;   /* cols 0: one dimension */
    int heads;           /* > 0: write q/k rows in Hugging Face's halves layout */
} st_item;

static void write_safetensors(const char *path, const st_item *it, int n)
{
    char *hdr = malloc(65536);
    size_t len = 0, off = 0;
    len += (size_t)sprintf(hdr + len, "{");
    for (int i = 0; i < n; i++) {
        size_t cnt = it[i].rows * (it[i].cols ? it[i].cols : 1);
        if (it[i].cols)
            len += (size_t)sprintf(hdr + len, "%s\"%s\":{\"dtype\":\"F32\",\"shape\":[%zu,%zu],"
                                   "\"data_offsets\":[%zu,%zu]}", i ? "," : "", it[i].name,
                                   it[i].rows, it[i].cols, off, off + cnt * 4);
        else
            len += (size_t)sprintf(hdr + len, "%s\"%s\":{\"dtype\":\"F32\",\"shape\":[%zu],"
                                   "\"data_offsets\":[%zu,%zu]}", i ? "," : "", it[i].name,
                                   it[i].rows, off, off + cnt * 4);
        off += cnt * 4;
    }
    len += (size_t)sprintf(hdr + len, "}");
    FILE *f = fopen(path, "wb");
    unsigned long long hl = len;
    fwrite(&hl, 8, 1, f);
    fwrite(hdr, 1, len, f);
    for (int i = 0; i < n; i++) {
        size_t c = it[i].cols ? it[i].cols : 1, hs = it[i].heads ? it[i].rows / (size_t)it[i].heads : 0;
        for (size_t r = 0; r < it[i].rows; r++) {
            size_t src = r;
            if (it[i].heads) {
                /* HF row h*hs + j*hs/2 + i holds our row h*hs + 2i + j */
                size_t h = r / hs, k = r % hs, j = k / (hs / 2), ii = k % (hs / 2);
                src = h * hs + 2 * ii + j;
            }
            fwrite(it[i].data + src * c, 4, c, f);
        }
    }
    fclose(f);
    free(hdr);
}

Test(model, hugging_face_layout_reads_like_llama2c)
{
    nb_llama ref;
    load_tiny("hf_ref.bin", false, 0, &ref);
    char dir[512], path[600];
    test_tmp_path(dir, sizeof dir, "hf_model");
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/config.json", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"model_type\": \"llama\", \"hidden_size\": 16, \"intermediate_size\": 40, "
               "\"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"num_key_value_heads\": 2, "
               "\"vocab_size\": 300, \"max_position_embeddings\": 32, \"rms_norm_eps\": 1e-05, "
               "\"tie_word_embeddings\": false, \"hidden_act\": \"silu\"}\n");
    fclose(f);
    st_item a[16], b[16];
    int na = 0, nb = 0;
    a[na++] = (st_item){"model.embed_tokens.weight", ref.tok_emb, 300, 16, 0};
    a[na++] = (st_item){"model.norm.weight", ref.rms_final, 16, 0, 0};
    b[nb++] = (st_item){"lm_head.weight", ref.wcls, 300, 16, 0};
    for (int l = 0; l < 2; l++) {
        st_item *s = l ? b : a;
        int *n = l ? &nb : &na;
        size_t L = (size_t)l;
        s[(*n)++] = (st_item){"", ref.rms_att + L * 16, 16, 0, 0};
        s[(*n)++] = (st_item){"", ref.rms_ffn + L * 16, 16, 0, 0};
        s[(*n)++] = (st_item){"", ref.wq + L * 256, 16, 16, 4};
        s[(*n)++] = (st_item){"", ref.wk + L * 128, 8, 16, 2};
        s[(*n)++] = (st_item){"", ref.wv + L * 128, 8, 16, 0};
        s[(*n)++] = (st_item){"", ref.wo + L * 256, 16, 16, 0};
        s[(*n)++] = (st_item){"", ref.w1 + L * 640, 40, 16, 0};
        s[(*n)++] = (st_item){"", ref.w2 + L * 640, 16, 40, 0};
        s[(*n)++] = (st_item){"", ref.w3 + L * 640, 40, 16, 0};
        static const char *names[] = {"input_layernorm", "post_attention_layernorm",
                                      "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                                      "self_attn.o_proj", "mlp.gate_proj", "mlp.down_proj",
                                      "mlp.up_proj"};
        for (int k = 0; k < 9; k++)
            snprintf(s[*n - 9 + k].name, sizeof s[0].name, "model.layers.%d.%s.weight", l,
                     names[k]);
    }
    snprintf(path, sizeof path, "%s/model-00001-of-00002.safetensors", dir);
    write_safetensors(path, a, na);
    snprintf(path, sizeof path, "%s/model-00002-of-00002.safetensors", dir);
    write_safetensors(path, b, nb);
    nb_llama hf;
    nb_err err;
    cr_assert(nb_llama_load(dir, &hf, &err), "%s", err.msg);
    float *lr = whole_logits(&ref, SEQ, SEQ_N), *lh = whole_logits(&hf, SEQ, SEQ_N);
    cr_expect_eq(memcmp(lr, lh, SEQ_N * 300 * sizeof *lr), 0,
                 "the Hugging Face checkpoint gives other logits");
    free(lr), free(lh);
    nb_llama_free(&hf);
    /* a missing tensor is named */
    remove(path);
    cr_expect_not(nb_llama_load(dir, &hf, &err));
    cr_expect(strstr(err.msg, "model.layers.1.input_layernorm.weight is missing"), "%s", err.msg);
    nb_llama_free(&ref);
}

Test(tokenizer, rows_fit_the_model)
{
    nb_llama m;
    load_tiny("fit.bin", true, 0, &m);
    /* one stream of 70 ids: windows of seq_len 32, 32 and 6 */
    nb_token_rows r = {0};
    r.ids = malloc(70 * sizeof *r.ids);
    r.off = malloc(2 * sizeof *r.off);
    for (int i = 0; i < 70; i++)
        r.ids[i] = i;
    r.off[0] = 0;
    r.off[1] = 70;
    r.rows = 1;
    nb_err err;
    cr_assert(nb_rows_fit_model(&r, &m, 0, &err), "%s", err.msg);
    cr_expect_eq(r.rows, 3);
    cr_expect_eq(r.off[1], 32);
    cr_expect_eq(r.off[3], 70);
    cr_expect_eq(r.ids[32], 32);
    nb_token_rows_free(&r);
    /* rows are truncated to seq_len and --lines keeps the first ones */
    r.ids = malloc(50 * sizeof *r.ids);
    r.off = malloc(3 * sizeof *r.off);
    for (int i = 0; i < 50; i++)
        r.ids[i] = i % 7;
    r.off[0] = 0;
    r.off[1] = 40;
    r.off[2] = 50;
    r.rows = 2;
    cr_assert(nb_rows_fit_model(&r, &m, 1, &err), "%s", err.msg);
    cr_expect_eq(r.rows, 1);
    cr_expect_eq(r.off[1], 32);
    nb_token_rows_free(&r);
    nb_llama_free(&m);
}

Test(model, non_finite_weights_are_refused)
{
    char path[512];
    test_tmp_path(path, sizeof path, "nan.bin");
    nb_llama_config c = tiny_config(true);
    size_t n;
    float *w = tiny_weights(&c, 5, &n);
    /* a NaN in layer 1's wk: offset emb + rms_att + wq + one layer of wk + 3 */
    size_t off = 300 * 16 + 2 * 16 + 2 * 256 + 128 + 3;
    w[off] = NAN;
    tiny_write_checkpoint(path, &c, w, 0);
    expect_load_error(path, "wk of layer 1 holds NaN at index 3");
    free(w);
}

Test(model, short_kv_cache)
{
    nb_llama m;
    load_tiny("cap.bin", true, 0, &m);
    nb_llama_state s;
    nb_err err;
    cr_assert(nb_llama_state_init_len(&m, &s, 4, &err));
    float *lg = malloc(5 * 300 * sizeof *lg);
    cr_expect(nb_llama_forward(&m, &s, NULL, SEQ, 4, lg, &err), "%s", err.msg);
    cr_expect_not(nb_llama_forward(&m, &s, NULL, SEQ, 1, lg, &err));
    cr_expect(strstr(err.msg, "does not fit this KV cache of 4 tokens"), "%s", err.msg);
    free(lg);
    nb_llama_state_free(&s);
    nb_llama_free(&m);
}
