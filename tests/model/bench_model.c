/* bench_model SHARED_DIR [--quick]: tokens/s of stories260K's forward pass in
 * float32 and with every linear layer on a W4A8 design (int4 weights per
 * channel, int8 activations, 8x8 array) through the bit-exact fast GEMM model,
 * measured in the same run, and their ratio (target: the quantized path at
 * least a third of the float path's speed). Exits 77 when the data is absent. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nibble/model_eval.h"
#include "nibble/model_quant.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool run(const nb_llama *m, const nb_token_rows *rows, const nb_linear_hook *hook,
                double *tokens_per_s, nb_err *err)
{
    nb_llama_state s;
    if (!nb_llama_state_init(m, &s, err))
        return false;
    float *lg = malloc((size_t)m->cfg.seq_len * (size_t)m->cfg.vocab_size * sizeof *lg);
    size_t tokens = 0;
    double t0 = now();
    bool ok = lg != NULL;
    for (size_t r = 0; ok && r < rows->rows; r++) {
        size_t n = rows->off[r + 1] - rows->off[r];
        nb_llama_state_reset(&s);
        ok = nb_llama_forward(m, &s, hook, rows->ids + rows->off[r], n, lg, err);
        tokens += n;
    }
    *tokens_per_s = (double)tokens / (now() - t0);
    free(lg);
    nb_llama_state_free(&s);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_model SHARED_DIR [--quick]\n");
        return 2;
    }
    bool quick = argc > 2 && strcmp(argv[2], "--quick") == 0;
    char model[4096], tok[4096], text[4096];
    snprintf(model, sizeof model, "%s/models/stories260K.bin", argv[1]);
    snprintf(tok, sizeof tok, "%s/models/tok512.bin", argv[1]);
    snprintf(text, sizeof text, "%s/data/tinystories_val.txt", argv[1]);
    if (access(model, R_OK) || access(tok, R_OK) || access(text, R_OK)) {
        printf("SKIP: %s, %s or %s is absent\n", model, tok, text);
        return 77;
    }
    nb_llama m;
    nb_tokenizer t;
    nb_token_rows rows;
    nb_err err;
    nb_design_params p = nb_design_params_default();
    p.weights = "int4";
    p.acts = "int8";
    nb_design *d = NULL;
    nb_qlinear *q = NULL;
    if (!nb_llama_load(model, &m, &err) || !nb_tokenizer_load(tok, m.cfg.vocab_size, &t, &err) ||
        !nb_text_to_rows(&t, text, quick ? 5 : 100, m.cfg.seq_len, &rows, &err) ||
        !(d = nb_design_create(&p, &err))) {
        printf("FAIL: %s\n", err.msg);
        return 1;
    }
    nb_qlinear_opts o = nb_qlinear_opts_default();
    if (!(q = nb_qlinear_new(&m, d, 0, 0, &o, &err))) {
        printf("FAIL: %s\n", err.msg);
        return 1;
    }
    nb_linear_hook h = nb_qlinear_hook(q);
    double f32, w4a8;
    if (!run(&m, &rows, NULL, &f32, &err) || !run(&m, &rows, &h, &w4a8, &err)) {
        printf("FAIL: %s\n", err.msg);
        return 1;
    }
    printf("stories260K, %zu sequences (%zu tokens), whole-sequence forward passes:\n", rows.rows,
           rows.off[rows.rows]);
    printf("  float32:                        %10.0f tokens/s\n", f32);
    printf("  W4A8 (int4 x int8, 8x8, fast):  %10.0f tokens/s\n", w4a8);
    printf("  ratio quantized / float32:      %10.2f (target >= 0.33)\n", w4a8 / f32);
    nb_qlinear_free(q);
    nb_design_free(d);
    nb_token_rows_free(&rows);
    nb_tokenizer_free(&t);
    nb_llama_free(&m);
    return 0;
}
