/* llama2.c checkpoints: the legacy header and the versioned ("ak42") one.
 *
 * Legacy (export.py version 0, what run.c reads): 7 int32 {dim, hidden_dim,
 * n_layers, n_heads, n_kv_heads, vocab_size, seq_len}, a negative vocab size
 * meaning a separate classifier; then float32 token embeddings, rms_att, wq,
 * wk, wv, wo, rms_ffn, w1, w2, w3, rms_final, the RoPE tables (cos, sin:
 * seq_len * head_size / 2 each, unused: we compute them), and the classifier
 * if it is separate.
 *
 * Versioned: uint32 magic 0x616b3432 ("ak42"), int32 version, the same 7
 * int32 (vocab size positive), a uint8 "shared classifier" flag, zeros up to
 * 256 bytes; version 1 is float32 in the order rms_att, rms_ffn, rms_final,
 * token embeddings, wq, wk, wv, wo, w1, w2, w3, then the classifier if it is
 * separate (no RoPE tables). Version 2 (int8 groups) is refused.
 * Both are little-endian; the host is assumed to be too. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nibble/model.h"

#define LEGACY_HEADER 28
#define V1_HEADER 256
#define AK42_MAGIC 0x616b3432u
#define DIM_LIMIT (1 << 20)

bool nb_llama_config_check(const nb_llama_config *c, nb_err *err)
{
    const int v[7] = {c->dim, c->hidden_dim, c->n_layers, c->n_heads, c->n_kv_heads,
                      c->vocab_size, c->seq_len};
    static const char *names[7] = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads",
                                   "vocab_size", "seq_len"};
    for (int i = 0; i < 7; i++)
        if (v[i] <= 0 || v[i] > DIM_LIMIT)
            return nb_fail(err, "%s = %d is out of range (1..%d)", names[i], v[i], DIM_LIMIT);
    if (c->dim % c->n_heads)
        return nb_fail(err, "dim %d is not a multiple of n_heads %d", c->dim, c->n_heads);
    if (c->n_heads % c->n_kv_heads)
        return nb_fail(err, "n_heads %d is not a multiple of n_kv_heads %d", c->n_heads,
                       c->n_kv_heads);
    if ((c->dim / c->n_heads) % 2)
        return nb_fail(err, "head size %d is odd; rotary embeddings rotate pairs",
                       c->dim / c->n_heads);
    return true;
}

/* Floats of each tensor, in the legacy order. */
typedef struct sizes {
    size_t emb, rms, wq, wkv, wo, w13, w2, fin, freq, cls;
} sizes;

static sizes tensor_sizes(const nb_llama_config *c)
{
    size_t L = (size_t)c->n_layers, d = (size_t)c->dim, h = (size_t)c->hidden_dim;
    size_t hs = d / (size_t)c->n_heads, kv = hs * (size_t)c->n_kv_heads;
    return (sizes){.emb = (size_t)c->vocab_size * d, .rms = L * d, .wq = L * d * d,
                   .wkv = L * d * kv, .wo = L * d * d, .w13 = L * h * d, .w2 = L * d * h,
                   .fin = d, .freq = (size_t)c->seq_len * hs / 2,
                   .cls = c->shared_classifier ? 0 : (size_t)c->vocab_size * d};
}

size_t nb_llama_weight_count(const nb_llama_config *c, nb_err *err)
{
    if (!nb_llama_config_check(c, err))
        return 0;
    sizes s = tensor_sizes(c);
    return s.emb + 2 * s.rms + s.wq + 2 * s.wkv + s.wo + 2 * s.w13 + s.w2 + s.fin + 2 * s.freq +
           s.cls;
}

static void set_dims(nb_llama *m)
{
    m->head_size = m->cfg.dim / m->cfg.n_heads;
    m->kv_dim = m->head_size * m->cfg.n_kv_heads;
}

/* Point the tensors into m->data laid out in the legacy order. */
static void map_legacy(nb_llama *m)
{
    sizes s = tensor_sizes(&m->cfg);
    float *p = m->data;
    m->tok_emb = p, p += s.emb;
    m->rms_att = p, p += s.rms;
    m->wq = p, p += s.wq;
    m->wk = p, p += s.wkv;
    m->wv = p, p += s.wkv;
    m->wo = p, p += s.wo;
    m->rms_ffn = p, p += s.rms;
    m->w1 = p, p += s.w13;
    m->w2 = p, p += s.w2;
    m->w3 = p, p += s.w13;
    m->rms_final = p, p += s.fin;
    p += 2 * s.freq;
    m->wcls = m->cfg.shared_classifier ? m->tok_emb : p;
}

static void map_v1(nb_llama *m)
{
    sizes s = tensor_sizes(&m->cfg);
    float *p = m->data;
    m->rms_att = p, p += s.rms;
    m->rms_ffn = p, p += s.rms;
    m->rms_final = p, p += s.fin;
    m->tok_emb = p, p += s.emb;
    m->wq = p, p += s.wq;
    m->wk = p, p += s.wkv;
    m->wv = p, p += s.wkv;
    m->wo = p, p += s.wo;
    m->w1 = p, p += s.w13;
    m->w2 = p, p += s.w2;
    m->w3 = p, p += s.w13;
    m->wcls = m->cfg.shared_classifier ? m->tok_emb : p;
}

bool nb_llama_from_config(const nb_llama_config *cfg, const float *weights, nb_llama *m,
                          nb_err *err)
{
    memset(m, 0, sizeof *m);
    size_t n = nb_llama_weight_count(cfg, err);
    if (!n)
        return false;
    m->cfg = *cfg;
    set_dims(m);
    m->data = malloc(n * sizeof *m->data);
    if (!m->data)
        return nb_fail(err, "out of memory for %zu weights", n);
    memcpy(m->data, weights, n * sizeof *m->data);
    map_legacy(m);
    return true;
}

static int32_t le_i32(const unsigned char *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24);
}

bool nb_llama_load(const char *path, nb_llama *m, nb_err *err)
{
    memset(m, 0, sizeof *m);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return nb_llama_load_hf(path, m, err);
    FILE *f = fopen(path, "rb");
    if (!f)
        return nb_fail(err, "cannot open the checkpoint %s: %s", path, strerror(errno));
    long long fsize = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        fsize = ftell(f);
    unsigned char hdr[V1_HEADER];
    size_t got = 0;
    if (fsize >= 0 && fseek(f, 0, SEEK_SET) == 0)
        got = fread(hdr, 1, sizeof hdr, f);
    if (fsize < 0) {
        fclose(f);
        return nb_fail(err, "%s is not a regular file; give a llama2.c checkpoint (.bin)", path);
    }
    if (got < LEGACY_HEADER) {
        fclose(f);
        return nb_fail(err, "%s: %zu bytes, shorter than a llama2.c header (28 bytes): the file "
                       "is truncated or not a checkpoint", path, got);
    }
    bool v1 = (uint32_t)le_i32(hdr) == AK42_MAGIC;
    size_t header = LEGACY_HEADER;
    const unsigned char *p = hdr;
    if (v1) {
        int version = le_i32(hdr + 4);
        if (version != 1) {
            fclose(f);
            return nb_fail(err, "%s: llama2.c checkpoint version %d is not supported (only the "
                           "float32 version 1 and the legacy format); re-export it with "
                           "export.py --version 1", path, version);
        }
        if (got < V1_HEADER) {
            fclose(f);
            return nb_fail(err, "%s: %zu bytes, shorter than the 256-byte version 1 header: "
                           "the file is truncated", path, got);
        }
        header = V1_HEADER;
        p = hdr + 8;
    }
    nb_llama_config c = {.dim = le_i32(p), .hidden_dim = le_i32(p + 4),
                         .n_layers = le_i32(p + 8), .n_heads = le_i32(p + 12),
                         .n_kv_heads = le_i32(p + 16), .vocab_size = le_i32(p + 20),
                         .seq_len = le_i32(p + 24)};
    if (v1) {
        c.shared_classifier = hdr[36] != 0;
    } else {
        c.shared_classifier = c.vocab_size > 0;
        if (c.vocab_size < 0 && c.vocab_size > -DIM_LIMIT - 1)
            c.vocab_size = -c.vocab_size;
    }
    size_t n = nb_llama_weight_count(&c, err);
    if (!n) {
        fclose(f);
        return nb_fail_prefix(err, "%s: the header is not a valid llama2.c config", path);
    }
    /* version 1 has no RoPE tables */
    size_t payload = v1 ? n - 2 * tensor_sizes(&c).freq : n;
    unsigned long long want = (unsigned long long)header + 4ull * payload;
    if ((unsigned long long)fsize != want) {
        fclose(f);
        return nb_fail(err, "%s: the header (dim %d, hidden %d, %d layers, %d heads, %d kv "
                       "heads, vocab %d, seq_len %d, %s classifier) needs %llu bytes but the "
                       "file has %lld: it is truncated, has extra data, or is not a llama2.c "
                       "checkpoint", path, c.dim, c.hidden_dim, c.n_layers, c.n_heads,
                       c.n_kv_heads, c.vocab_size, c.seq_len,
                       c.shared_classifier ? "shared" : "separate", want, fsize);
    }
    m->cfg = c;
    set_dims(m);
    m->data = calloc(n, sizeof *m->data);
    if (!m->data) {
        fclose(f);
        return nb_fail(err, "%s: out of memory for %zu weights", path, n);
    }
    bool ok = fseek(f, (long)header, SEEK_SET) == 0 &&
              fread(m->data, sizeof *m->data, payload, f) == payload;
    fclose(f);
    if (!ok) {
        nb_llama_free(m);
        return nb_fail(err, "%s: reading the weights failed (the file changed while reading?)",
                       path);
    }
    if (v1)
        map_v1(m);
    else
        map_legacy(m);
    if (!nb_llama_check_finite(m, path, err)) {
        nb_llama_free(m);
        return false;
    }
    return true;
}

void nb_llama_free(nb_llama *m)
{
    free(m->data);
    memset(m, 0, sizeof *m);
}
