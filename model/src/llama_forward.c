/* The llama forward pass in float, as llama2.c's run.c computes it, but over
 * a block of tokens at once so that each linear layer is one GEMM (M = tokens).
 * Norms, rotary embeddings, attention products and softmax stay in float
 * whatever the linear layers run on. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/model.h"

int nb_llama_num_linear(const nb_llama *m)
{
    return m->cfg.n_layers * NB_LIN_KINDS + 1;
}

int nb_llama_classifier_id(const nb_llama *m)
{
    return m->cfg.n_layers * NB_LIN_KINDS;
}

const float *nb_llama_linear_weight(const nb_llama *m, int id, size_t *N, size_t *K)
{
    size_t d = (size_t)m->cfg.dim, h = (size_t)m->cfg.hidden_dim, kv = (size_t)m->kv_dim;
    if (id == nb_llama_classifier_id(m)) {
        *N = (size_t)m->cfg.vocab_size;
        *K = d;
        return m->wcls;
    }
    size_t l = (size_t)(id / NB_LIN_KINDS);
    switch ((nb_linear_kind)(id % NB_LIN_KINDS)) {
    case NB_LIN_Q: *N = d, *K = d; return m->wq + l * d * d;
    case NB_LIN_K: *N = kv, *K = d; return m->wk + l * kv * d;
    case NB_LIN_V: *N = kv, *K = d; return m->wv + l * kv * d;
    case NB_LIN_O: *N = d, *K = d; return m->wo + l * d * d;
    case NB_LIN_GATE: *N = h, *K = d; return m->w1 + l * h * d;
    case NB_LIN_UP: *N = h, *K = d; return m->w3 + l * h * d;
    case NB_LIN_DOWN: *N = d, *K = h; return m->w2 + l * d * h;
    default: break;
    }
    *N = *K = 0;
    return NULL;
}

void nb_llama_linear_name(const nb_llama *m, int id, char *buf, size_t len)
{
    static const char *kinds[NB_LIN_KINDS] = {"q", "k", "v", "o", "gate", "up", "down"};
    if (id == nb_llama_classifier_id(m))
        snprintf(buf, len, "classifier");
    else
        snprintf(buf, len, "layer %d %s", id / NB_LIN_KINDS, kinds[id % NB_LIN_KINDS]);
}

void nb_llama_linear_f32(const nb_llama *m, int id, const float *x, size_t M, float *y)
{
    size_t N, K;
    const float *w = nb_llama_linear_weight(m, id, &N, &K);
    for (size_t i = 0; i < M; i++)
        for (size_t n = 0; n < N; n++) {
            const float *wr = w + n * K, *xr = x + i * K;
            float acc = 0.0f;
            for (size_t k = 0; k < K; k++)
                acc += wr[k] * xr[k];
            y[i * N + n] = acc;
        }
}

static bool linear(const nb_llama *m, const nb_linear_hook *hook, int id, const float *x, size_t M,
                   float *y, nb_err *err)
{
    if (hook && hook->apply)
        return hook->apply(hook->ctx, m, id, x, M, y, err);
    nb_llama_linear_f32(m, id, x, M, y);
    return true;
}

bool nb_llama_state_init(const nb_llama *m, nb_llama_state *s, nb_err *err)
{
    return nb_llama_state_init_len(m, s, (size_t)m->cfg.seq_len, err);
}

bool nb_llama_state_init_len(const nb_llama *m, nb_llama_state *s, size_t len, nb_err *err)
{
    if (len == 0 || len > (size_t)m->cfg.seq_len)
        len = (size_t)m->cfg.seq_len;
    s->capacity = (int)len;
    size_t n = (size_t)m->cfg.n_layers * len * (size_t)m->kv_dim;
    s->key_cache = calloc(n, sizeof *s->key_cache);
    s->value_cache = calloc(n, sizeof *s->value_cache);
    s->pos = 0;
    if (!s->key_cache || !s->value_cache) {
        nb_llama_state_free(s);
        return nb_fail(err, "out of memory for a KV cache of %zu floats", 2 * n);
    }
    return true;
}

void nb_llama_state_reset(nb_llama_state *s)
{
    s->pos = 0;
}

void nb_llama_state_free(nb_llama_state *s)
{
    free(s->key_cache);
    free(s->value_cache);
    memset(s, 0, sizeof *s);
}

bool nb_llama_check_finite(const nb_llama *m, const char *what, nb_err *err)
{
    static const char *kinds[NB_LIN_KINDS] = {"wq", "wk", "wv", "wo", "w1 (gate)", "w3 (up)",
                                              "w2 (down)"};
    const nb_llama_config *c = &m->cfg;
    struct { const char *name; const float *p; size_t n; } t[5] = {
        {"the token embeddings", m->tok_emb, (size_t)c->vocab_size * (size_t)c->dim},
        {"rms_att", m->rms_att, (size_t)c->n_layers * (size_t)c->dim},
        {"rms_ffn", m->rms_ffn, (size_t)c->n_layers * (size_t)c->dim},
        {"rms_final", m->rms_final, (size_t)c->dim},
        {"the classifier", m->wcls, (size_t)c->vocab_size * (size_t)c->dim}};
    for (int i = 0; i < 5; i++)
        for (size_t k = 0; k < t[i].n; k++)
            if (!isfinite(t[i].p[k]))
                return nb_fail(err, "%s: %s holds %s at index %zu; the checkpoint is damaged",
                               what, t[i].name, isnan(t[i].p[k]) ? "NaN" : "an infinity", k);
    for (int id = 0; id < nb_llama_classifier_id(m); id++) {
        size_t N, K;
        const float *w = nb_llama_linear_weight(m, id, &N, &K);
        for (size_t k = 0; k < N * K; k++)
            if (!isfinite(w[k]))
                return nb_fail(err, "%s: %s of layer %d holds %s at index %zu; the checkpoint "
                               "is damaged", what, kinds[id % NB_LIN_KINDS], id / NB_LIN_KINDS,
                               isnan(w[k]) ? "NaN" : "an infinity", k);
    }
    return true;
}

static void rmsnorm(float *o, const float *x, const float *w, size_t d, float eps)
{
    float ss = 0.0f;
    for (size_t j = 0; j < d; j++)
        ss += x[j] * x[j];
    ss = 1.0f / sqrtf(ss / (float)d + eps);
    for (size_t j = 0; j < d; j++)
        o[j] = w[j] * (ss * x[j]);
}

/* llama2.c's convention: pairs (2i, 2i+1) within each head, frequency
 * theta^(-(2i mod head_size) / head_size). */
static void rope(float *v, size_t d, int head_size, int pos, float theta)
{
    for (size_t i = 0; i < d; i += 2) {
        int hd = (int)(i % (size_t)head_size);
        float freq = 1.0f / powf(theta, (float)hd / (float)head_size);
        float val = (float)pos * freq, fcr = cosf(val), fci = sinf(val);
        float v0 = v[i], v1 = v[i + 1];
        v[i] = v0 * fcr - v1 * fci;
        v[i + 1] = v0 * fci + v1 * fcr;
    }
}

static void softmax(float *x, size_t n)
{
    float mx = x[0];
    for (size_t i = 1; i < n; i++)
        mx = x[i] > mx ? x[i] : mx;
    float sum = 0.0f;
    for (size_t i = 0; i < n; i++) {
        x[i] = expf(x[i] - mx);
        sum += x[i];
    }
    for (size_t i = 0; i < n; i++)
        x[i] /= sum;
}

/* Causal attention of token t (at position pos) over the cache 0..pos. */
static void attend(const nb_llama *m, const float *kc, const float *vc, const float *q, int pos,
                   float *att, float *out)
{
    int hs = m->head_size, kvd = m->kv_dim, group = m->cfg.n_heads / m->cfg.n_kv_heads;
    float inv = 1.0f / sqrtf((float)hs);
    for (int h = 0; h < m->cfg.n_heads; h++) {
        const float *qh = q + h * hs;
        int kvh = h / group;
        for (int p = 0; p <= pos; p++) {
            const float *k = kc + (size_t)p * kvd + kvh * hs;
            float score = 0.0f;
            for (int i = 0; i < hs; i++)
                score += qh[i] * k[i];
            att[p] = score * inv;
        }
        softmax(att, (size_t)pos + 1);
        float *oh = out + h * hs;
        memset(oh, 0, (size_t)hs * sizeof *oh);
        for (int p = 0; p <= pos; p++) {
            const float *v = vc + (size_t)p * kvd + kvh * hs;
            for (int i = 0; i < hs; i++)
                oh[i] += att[p] * v[i];
        }
    }
}

bool nb_llama_forward(const nb_llama *m, nb_llama_state *s, const nb_linear_hook *hook,
                      const int *tokens, size_t n, float *logits, nb_err *err)
{
    const nb_llama_config *c = &m->cfg;
    if (n == 0)
        return true;
    if ((size_t)s->pos + n > (size_t)c->seq_len)
        return nb_fail(err, "a sequence of %zu tokens does not fit the model's seq_len %d; "
                       "truncate it", (size_t)s->pos + n, c->seq_len);
    if ((size_t)s->pos + n > (size_t)s->capacity)
        return nb_fail(err, "a sequence of %zu tokens does not fit this KV cache of %d tokens",
                       (size_t)s->pos + n, s->capacity);
    for (size_t t = 0; t < n; t++)
        if (tokens[t] < 0 || tokens[t] >= c->vocab_size)
            return nb_fail(err, "token id %d (position %zu) is out of the model's vocabulary "
                           "0..%d", tokens[t], (size_t)s->pos + t, c->vocab_size - 1);
    size_t d = (size_t)c->dim, hd = (size_t)c->hidden_dim, kvd = (size_t)m->kv_dim;
    float eps = c->rms_eps > 0 ? c->rms_eps : NB_LLAMA_RMS_EPS;
    float theta = c->rope_theta > 0 ? c->rope_theta : NB_LLAMA_ROPE_THETA;
    float *x = malloc(n * d * sizeof *x), *xb = malloc(n * d * sizeof *xb),
          *q = malloc(n * d * sizeof *q), *k = malloc(n * kvd * sizeof *k),
          *v = malloc(n * kvd * sizeof *v), *ao = malloc(n * d * sizeof *ao),
          *hb = malloc(n * hd * sizeof *hb), *hb2 = malloc(n * hd * sizeof *hb2),
          *att = malloc((size_t)s->capacity * sizeof *att);
    bool ok = x && xb && q && k && v && ao && hb && hb2 && att;
    if (!ok)
        nb_fail(err, "out of memory for a block of %zu tokens", n);
    for (size_t t = 0; ok && t < n; t++)
        memcpy(x + t * d, m->tok_emb + (size_t)tokens[t] * d, d * sizeof *x);
    for (int l = 0; ok && l < c->n_layers; l++) {
        int id = l * NB_LIN_KINDS;
        for (size_t t = 0; t < n; t++)
            rmsnorm(xb + t * d, x + t * d, m->rms_att + (size_t)l * d, d, eps);
        ok = linear(m, hook, id + NB_LIN_Q, xb, n, q, err) &&
             linear(m, hook, id + NB_LIN_K, xb, n, k, err) &&
             linear(m, hook, id + NB_LIN_V, xb, n, v, err);
        if (!ok)
            break;
        float *kc = s->key_cache + (size_t)l * (size_t)s->capacity * kvd;
        float *vc = s->value_cache + (size_t)l * (size_t)s->capacity * kvd;
        for (size_t t = 0; t < n; t++) {
            int pos = s->pos + (int)t;
            rope(q + t * d, d, m->head_size, pos, theta);
            rope(k + t * kvd, kvd, m->head_size, pos, theta);
            memcpy(kc + (size_t)pos * kvd, k + t * kvd, kvd * sizeof *k);
            memcpy(vc + (size_t)pos * kvd, v + t * kvd, kvd * sizeof *v);
        }
        for (size_t t = 0; t < n; t++)
            attend(m, kc, vc, q + t * d, s->pos + (int)t, att, ao + t * d);
        if (!(ok = linear(m, hook, id + NB_LIN_O, ao, n, xb, err)))
            break;
        for (size_t i = 0; i < n * d; i++)
            x[i] += xb[i];
        for (size_t t = 0; t < n; t++)
            rmsnorm(xb + t * d, x + t * d, m->rms_ffn + (size_t)l * d, d, eps);
        ok = linear(m, hook, id + NB_LIN_GATE, xb, n, hb, err) &&
             linear(m, hook, id + NB_LIN_UP, xb, n, hb2, err);
        if (!ok)
            break;
        for (size_t i = 0; i < n * hd; i++) {
            float g = hb[i];
            hb[i] = g * (1.0f / (1.0f + expf(-g))) * hb2[i];
        }
        if (!(ok = linear(m, hook, id + NB_LIN_DOWN, hb, n, xb, err)))
            break;
        for (size_t i = 0; i < n * d; i++)
            x[i] += xb[i];
    }
    if (ok) {
        for (size_t t = 0; t < n; t++)
            rmsnorm(xb + t * d, x + t * d, m->rms_final, d, eps);
        ok = linear(m, hook, nb_llama_classifier_id(m), xb, n, logits, err);
    }
    if (ok)
        s->pos += (int)n;
    free(x), free(xb), free(q), free(k), free(v), free(ao), free(hb), free(hb2), free(att);
    return ok;
}
