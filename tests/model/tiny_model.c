#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tiny_model.h"

nb_llama_config tiny_config(bool shared)
{
    return (nb_llama_config){.dim = 16, .hidden_dim = 40, .n_layers = 2, .n_heads = 4,
                             .n_kv_heads = 2, .vocab_size = 300, .seq_len = 32,
                             .shared_classifier = shared};
}

float *tiny_weights(const nb_llama_config *c, unsigned seed, size_t *count)
{
    nb_err err;
    size_t n = nb_llama_weight_count(c, &err);
    float *w = malloc(n * sizeof *w);
    unsigned long long s = seed * 2654435761ull + 1;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        w[i] = ((float)(s >> 40) / (float)(1 << 24) - 0.5f) * 0.8f;
    }
    *count = n;
    return w;
}

static void put_i32(FILE *f, int v)
{
    fwrite(&v, 4, 1, f);
}

void tiny_write_checkpoint(const char *path, const nb_llama_config *c, const float *w, int version)
{
    FILE *f = fopen(path, "wb");
    size_t L = (size_t)c->n_layers, d = (size_t)c->dim, h = (size_t)c->hidden_dim;
    size_t hs = d / (size_t)c->n_heads, kv = hs * (size_t)c->n_kv_heads, V = (size_t)c->vocab_size;
    size_t freq = (size_t)c->seq_len * hs / 2;
    /* offsets of each tensor in the legacy layout */
    size_t emb = 0, ra = emb + V * d, wq = ra + L * d, wk = wq + L * d * d, wv = wk + L * d * kv,
           wo = wv + L * d * kv, rf = wo + L * d * d, w1 = rf + L * d, w2 = w1 + L * h * d,
           w3 = w2 + L * d * h, fin = w3 + L * h * d, cls = fin + d + 2 * freq;
    if (version == 0) {
        int hdr[7] = {c->dim, c->hidden_dim, c->n_layers, c->n_heads, c->n_kv_heads,
                      c->shared_classifier ? c->vocab_size : -c->vocab_size, c->seq_len};
        fwrite(hdr, 4, 7, f);
        fwrite(w, 4, cls + (c->shared_classifier ? 0 : V * d), f);
    } else {
        unsigned magic = 0x616b3432u;
        fwrite(&magic, 4, 1, f);
        put_i32(f, 1);
        int hdr[7] = {c->dim, c->hidden_dim, c->n_layers, c->n_heads, c->n_kv_heads,
                      c->vocab_size, c->seq_len};
        fwrite(hdr, 4, 7, f);
        fputc(c->shared_classifier ? 1 : 0, f);
        for (int i = 37; i < 256; i++)
            fputc(0, f);
        struct { size_t off, n; } parts[] = {
            {ra, L * d}, {rf, L * d}, {fin, d}, {emb, V * d}, {wq, L * d * d}, {wk, L * d * kv},
            {wv, L * d * kv}, {wo, L * d * d}, {w1, L * h * d}, {w2, L * d * h}, {w3, L * h * d},
            {cls, c->shared_classifier ? 0 : V * d}};
        for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
            fwrite(w + parts[i].off, 4, parts[i].n, f);
    }
    fclose(f);
}

static void put_token(FILE *f, float score, const char *s)
{
    int len = (int)strlen(s);
    fwrite(&score, 4, 1, f);
    put_i32(f, len);
    fwrite(s, 1, (size_t)len, f);
}

void tiny_write_tokenizer(const char *path, int n)
{
    static const char *extra[] = {" ", "a", "b", " a", "ab", " ab", "ba", "aba", " b"};
    FILE *f = fopen(path, "wb");
    put_i32(f, 8);
    put_token(f, 0, "<unk>");
    put_token(f, 0, "\n<s>\n");
    put_token(f, 0, "\n</s>\n");
    int k = 3;
    for (int b = 0; b < 256 && k < n; b++, k++) {
        char piece[8];
        snprintf(piece, sizeof piece, "<0x%02X>", b);
        put_token(f, 0, piece);
    }
    for (size_t i = 0; i < sizeof extra / sizeof extra[0] && k < n; i++, k++)
        put_token(f, -(float)(10 - strlen(extra[i])) - (float)i * 0.01f, extra[i]);
    for (; k < n; k++) {
        char piece[16];
        snprintf(piece, sizeof piece, "x%d", k);
        put_token(f, -100.0f, piece);
    }
    fclose(f);
}
