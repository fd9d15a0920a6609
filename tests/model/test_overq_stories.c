/* OverQ on the real activations of stories260K (../shared): the probe leaves
 * the model's scores unchanged, counts every input once per token, agrees with
 * the golden OverQ encoder run directly on the captured inputs of layer 0's
 * down projection, and shows what model/README.md states: no linear layer's
 * input is ReLU'd (about half of every input is negative, almost none exactly
 * zero). Exits 77 (skipped) when the files are absent. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nibble/model_eval.h"
#include "nibble/model_overq.h"

#define SKIP 77
#define LINES 20

static int failures;

static void check(bool ok, const char *what)
{
    if (!ok) {
        printf("FAIL: %s\n", what);
        failures++;
    }
}

/* The inner hook: float32, and a copy of layer 0's down-projection inputs. */
typedef struct capture {
    float *x;
    size_t rows, cap, K;
} capture;

static bool capture_apply(void *ctx, const nb_llama *m, int id, const float *x, size_t M,
                          float *y, nb_err *err)
{
    capture *c = ctx;
    if (id == NB_LIN_DOWN) {
        size_t N;
        nb_llama_linear_weight(m, id, &N, &c->K);
        if (c->rows + M > c->cap) {
            size_t cap = (c->rows + M) * 2;
            float *nx = realloc(c->x, cap * c->K * sizeof *nx);
            if (!nx)
                return nb_fail(err, "out of memory");
            c->x = nx;
            c->cap = cap;
        }
        memcpy(c->x + c->rows * c->K, x, M * c->K * sizeof *x);
        c->rows += M;
    }
    nb_llama_linear_f32(m, id, x, M, y);
    return true;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_overq_stories SHARED_DIR\n");
        return 2;
    }
    char model[4096], tok[4096], text[4096];
    snprintf(model, sizeof model, "%s/models/stories260K.bin", argv[1]);
    snprintf(tok, sizeof tok, "%s/models/tok512.bin", argv[1]);
    snprintf(text, sizeof text, "%s/data/tinystories_val.txt", argv[1]);
    if (access(model, R_OK) || access(tok, R_OK) || access(text, R_OK)) {
        printf("SKIP: %s, %s and %s are needed (the shared data folder)\n", model, tok, text);
        return SKIP;
    }
    nb_llama m;
    nb_tokenizer t;
    nb_token_rows rows;
    nb_err err;
    if (!nb_llama_load(model, &m, &err) || !nb_tokenizer_load(tok, m.cfg.vocab_size, &t, &err) ||
        !nb_text_to_rows(&t, text, LINES, m.cfg.seq_len, &rows, &err)) {
        printf("FAIL: %s\n", err.msg);
        return 1;
    }
    nb_format f[2];
    nb_format_opts fo = nb_format_opts_default();
    if (nb_format_parse_list("int4,uint4", &fo, f, 2, &err) != 2) {
        printf("FAIL: %s\n", err.msg);
        return 1;
    }
    nb_overq_probe_opts o = nb_overq_probe_opts_default();
    o.fmts = f;
    o.nfmts = 2;
    nb_overq_probe *p = nb_overq_probe_new(&m, &o, &err);
    capture cap = {0};
    nb_linear_hook inner = {.apply = capture_apply, .ctx = &cap};
    nb_linear_hook h = nb_overq_probe_hook(p, &inner);
    nb_eval_result res[2];
    if (!p || !nb_eval_run(&m, &rows, &h, 1, NULL, res, &err)) {
        printf("FAIL: %s\n", err.msg);
        return 1;
    }
    check(res[0].nll == res[1].nll && res[1].top1_agree == res[1].scored,
          "the probe changed the scores");
    size_t tokens = res[0].scored + rows.rows;
    for (int l = 0; l < m.cfg.n_layers; l++)
        for (int in = 0; in < NB_IN_CLS; in++) {
            const nb_act_stats *s = nb_overq_probe_stats(p, l, (nb_llama_input)in);
            double neg = (double)s->negatives / (double)s->elements;
            double zero = (double)s->zeros / (double)s->elements;
            printf("layer %d %-8s negatives %.3f, exact zeros %.5f, ReLU'd outliers handled at "
                   "depth 3 in 8-row tiles %.3f\n", l, nb_llama_input_name((nb_llama_input)in),
                   neg, zero, nb_act_coverage(s, NB_VIEW_RELU, true, 3));
            check(s->tokens == tokens, "an input was not counted once per token");
            check(neg > 0.4 && neg < 0.6, "an input is not signed about half the time");
            check(zero < 1e-3, "an input has exact zeros");
            /* the uint4 zero codes include every negative (the ReLU) */
            check(s->zero_codes[1] >= s->negatives, "uint4 zeros fewer than the negatives");
            for (int v = 0; v < NB_VIEW_COUNT; v++)
                for (int d = 1; d < NB_PROBE_DEPTHS; d++) {
                    double a = nb_act_coverage(s, (nb_probe_view)v, true, d - 1);
                    double b = nb_act_coverage(s, (nb_probe_view)v, true, d);
                    double u = nb_act_coverage(s, (nb_probe_view)v, false, d);
                    check(b >= a && u >= b, "coverage does not grow with depth and tile length");
                }
        }
    /* the golden encoder run directly on the captured down-projection inputs */
    const nb_act_stats *s = nb_overq_probe_stats(p, 0, NB_IN_DOWN);
    check(cap.rows == tokens, "the capture missed tokens");
    float *row = malloc(cap.K * sizeof *row);
    uint16_t *u = malloc(cap.K * sizeof *u);
    uint8_t *nib = malloc(cap.K), *tag = malloc(cap.K);
    for (int d = 0; d < NB_PROBE_DEPTHS; d++) {
        nb_overq_stats want = {0};
        for (size_t r = 0; r < cap.rows; r++) {
            for (size_t k = 0; k < cap.K; k++)
                row[k] = fmaxf(cap.x[r * cap.K + k], 0);
            nb_overq_inputs(row, cap.K, nb_overq_mse_scale(row, cap.K), NB_OVERQ_RANGE, u);
            nb_overq_params op = {d, NB_OVERQ_RANGE, 8};
            nb_overq_encode(u, cap.K, &op, nib, tag, &want);
        }
        const nb_overq_stats *got = &s->overq[NB_VIEW_RELU][0][d];
        check(got->outliers == want.outliers && got->zeros == want.zeros &&
                  got->handled == want.handled && got->slots == want.slots,
              "layer 0 down: the probe disagrees with the golden encoder");
    }
    check(s->overq[NB_VIEW_RELU][0][0].outliers > 0, "layer 0 down has no outliers");
    free(row), free(u), free(nib), free(tag), free(cap.x);
    nb_overq_probe_free(p);
    nb_token_rows_free(&rows);
    nb_tokenizer_free(&t);
    nb_llama_free(&m);
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
