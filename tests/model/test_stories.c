/* stories260K (llama2.c's tinyllamas) from ../shared: greedy decoding from BOS
 * at temperature 0 reproduces the text llama2.c's run.c prints, and whole-
 * sequence and token-by-token logits agree. Exits 77 (skipped) when the files
 * are absent. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nibble/generate.h"

#define SKIP 77

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_stories SHARED_DIR\n");
        return 2;
    }
    char model[4096], tok[4096];
    snprintf(model, sizeof model, "%s/models/stories260K.bin", argv[1]);
    snprintf(tok, sizeof tok, "%s/models/tok512.bin", argv[1]);
    if (access(model, R_OK) || access(tok, R_OK)) {
        printf("SKIP: %s and %s are absent (the shared data folder)\n", model, tok);
        return SKIP;
    }
    nb_llama m;
    nb_tokenizer t;
    nb_err err;
    if (!nb_llama_load(model, &m, &err) || !nb_tokenizer_load(tok, m.cfg.vocab_size, &t, &err)) {
        printf("FAIL: %s\n", err.msg);
        return 1;
    }
    char text[8192];
    if (!nb_llama_generate_greedy(&m, &t, NULL, 256, text, sizeof text, &err)) {
        printf("FAIL: %s\n", err.msg);
        return 1;
    }
    printf("greedy text: %s\n", text);
    static const char want[] = "Once upon a time, there was a little girl named Lily. She loved "
                               "to play outside in the park.";
    int status = 0;
    if (strncmp(text, want, strlen(want)) != 0) {
        printf("FAIL: the greedy text does not begin with \"%s\"\n", want);
        status = 1;
    }
    /* whole sequence vs token by token on the real model */
    int *ids;
    size_t n;
    if (!nb_tokenizer_encode(&t, text, strlen(text), true, &ids, &n, &err)) {
        printf("FAIL: %s\n", err.msg);
        return 1;
    }
    if (n > 64)
        n = 64;
    size_t V = (size_t)m.cfg.vocab_size;
    float *whole = malloc(n * V * sizeof *whole), *one = malloc(V * sizeof *one);
    nb_llama_state s;
    double worst = 0;
    bool ok = nb_llama_state_init(&m, &s, &err) &&
              nb_llama_forward(&m, &s, NULL, ids, n, whole, &err);
    nb_llama_state_reset(&s);
    for (size_t i = 0; ok && i < n; i++) {
        ok = nb_llama_forward(&m, &s, NULL, ids + i, 1, one, &err);
        for (size_t j = 0; ok && j < V; j++)
            worst = fmax(worst, fabs((double)one[j] - whole[i * V + j]));
    }
    if (!ok) {
        printf("FAIL: %s\n", err.msg);
        status = 1;
    }
    printf("whole sequence vs token by token over %zu tokens: max |difference| %g\n", n, worst);
    if (worst > 1e-5) {
        printf("FAIL: more than 1e-5\n");
        status = 1;
    }
    free(whole), free(one), free(ids);
    /* encoding the validation text and decoding it back gives the text again
     * (the dummy-prefix space aside), so merges and byte fallback lose nothing */
    char val[4096], line[8192], back[16384];
    snprintf(val, sizeof val, "%s/data/tinystories_val.txt", argv[1]);
    FILE *f = fopen(val, "r");
    int lines = 0, bad = 0;
    while (f && lines < 50 && fgets(line, sizeof line, f)) {
        size_t len = strcspn(line, "\r\n");
        line[len] = '\0';
        if (!len)
            continue;
        lines++;
        if (!nb_tokenizer_encode(&t, line, len, true, &ids, &n, &err)) {
            printf("FAIL: %s\n", err.msg);
            return 1;
        }
        size_t used = 0;
        for (size_t i = 1; i < n; i++)
            used += nb_tokenizer_decode(&t, ids[i - 1], ids[i], back + used, sizeof back - used);
        if (strcmp(back, line) != 0 && !bad++)
            printf("FAIL: line %d does not survive encode/decode:\n  %s\n  %s\n", lines, line,
                   back);
        free(ids);
    }
    if (f)
        fclose(f);
    printf("encode/decode round trip: %d of %d lines\n", lines - bad, lines);
    if (bad)
        status = 1;
    nb_llama_state_free(&s);
    nb_tokenizer_free(&t);
    nb_llama_free(&m);
    return status;
}
