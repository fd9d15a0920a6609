/* A decoder-only llama-family transformer in float (see model/README.md):
 * llama2.c checkpoints, the forward pass (RMSNorm, rotary embeddings,
 * grouped-query attention, SwiGLU, tied or separate classifier), a KV cache,
 * and a hook through which every linear layer can run on other arithmetic
 * (model_quant.h puts it on a design's bit-exact GEMM). */
#ifndef NIBBLE_MODEL_H
#define NIBBLE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nibble/error.h"

#define NB_LLAMA_RMS_EPS 1e-5f
#define NB_LLAMA_ROPE_THETA 10000.0f
#define NB_LLAMA_BOS 1

typedef struct nb_llama_config {
    int dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len;
    bool shared_classifier;   /* the classifier is the token embedding table */
    float rms_eps;            /* 0: NB_LLAMA_RMS_EPS (llama2.c) */
    float rope_theta;         /* 0: NB_LLAMA_ROPE_THETA */
} nb_llama_config;

/* The linear layers of one transformer block, in the order ids count them. */
typedef enum nb_linear_kind {
    NB_LIN_Q, NB_LIN_K, NB_LIN_V, NB_LIN_O, NB_LIN_GATE, NB_LIN_UP, NB_LIN_DOWN, NB_LIN_KINDS
} nb_linear_kind;

typedef struct nb_llama {
    nb_llama_config cfg;
    int head_size, kv_dim;
    float *data;              /* every weight, owned */
    float *tok_emb;           /* [vocab][dim] */
    float *rms_att, *rms_ffn; /* [layers][dim] */
    float *rms_final;         /* [dim] */
    float *wq, *wk, *wv, *wo; /* [layers][out][in] */
    float *w1, *w2, *w3;      /* gate [hidden][dim], down [dim][hidden], up [hidden][dim] */
    float *wcls;              /* [vocab][dim]: tok_emb when shared */
} nb_llama;

/* Read a llama2.c checkpoint: the legacy header of 7 int32 (a negative vocab
 * size means a separate classifier) or the versioned one (magic "ak42",
 * version 1 = float32). The file size must match the header exactly. */
bool nb_llama_load(const char *path, nb_llama *m, nb_err *err);
/* A Hugging Face llama directory: config.json and one or more *.safetensors
 * (F32, F16, BF16), read through num/io. q and k projections are permuted from
 * the Hugging Face rotary layout (halves) to llama2.c's (pairs). nb_llama_load
 * calls it when given a directory. */
bool nb_llama_load_hf(const char *dir, nb_llama *m, nb_err *err);
/* A model from a config and weights laid out as nb_llama_weight_count says,
 * in the legacy order (for tests and writers); copies the weights. */
bool nb_llama_from_config(const nb_llama_config *cfg, const float *weights, nb_llama *m,
                          nb_err *err);
/* Floats of a legacy checkpoint's payload for cfg (RoPE tables included), or 0
 * if the config is invalid (err says why). */
size_t nb_llama_weight_count(const nb_llama_config *cfg, nb_err *err);
bool nb_llama_config_check(const nb_llama_config *cfg, nb_err *err);
void nb_llama_free(nb_llama *m);

/* Linear layer ids: layer * NB_LIN_KINDS + kind, then the classifier. */
int nb_llama_num_linear(const nb_llama *m);   /* including the classifier */
int nb_llama_classifier_id(const nb_llama *m);
/* Weight [N][K] of a linear layer (out by in). */
const float *nb_llama_linear_weight(const nb_llama *m, int id, size_t *N, size_t *K);
/* "layer 3 q", "classifier" */
void nb_llama_linear_name(const nb_llama *m, int id, char *buf, size_t len);

/* y[M][N] = x[M][K] times the weight of layer `id` transposed. Returns false on
 * error (err says why). NULL hook: float32. */
typedef struct nb_linear_hook {
    bool (*apply)(void *ctx, const nb_llama *m, int id, const float *x, size_t M, float *y,
                  nb_err *err);
    void *ctx;
} nb_linear_hook;

/* Float reference of one linear layer (float accumulation in increasing k). */
void nb_llama_linear_f32(const nb_llama *m, int id, const float *x, size_t M, float *y);

/* The KV cache and position of one sequence. */
typedef struct nb_llama_state {
    float *key_cache, *value_cache;   /* [layers][seq_len][kv_dim] */
    int pos;                          /* tokens already in the cache */
    int capacity;                     /* tokens the cache holds (<= seq_len) */
} nb_llama_state;

/* A cache for seq_len tokens, or (init_len) for at most len <= seq_len: a
 * model with a long context need not get a cache for all of it. */
bool nb_llama_state_init(const nb_llama *m, nb_llama_state *s, nb_err *err);
bool nb_llama_state_init_len(const nb_llama *m, nb_llama_state *s, size_t len, nb_err *err);
void nb_llama_state_reset(nb_llama_state *s);
void nb_llama_state_free(nb_llama_state *s);

/* Check every weight is finite (names the tensor and index of the first that
 * is not). The loaders call it. */
bool nb_llama_check_finite(const nb_llama *m, const char *what, nb_err *err);

/* Run n tokens at positions s->pos .. s->pos + n - 1 (each linear layer is one
 * GEMM with M = n; attention is causal over the cache) and append them to the
 * cache. logits: [n][vocab]. Token ids must be in range and the sequence must
 * fit in seq_len. */
bool nb_llama_forward(const nb_llama *m, nb_llama_state *s, const nb_linear_hook *hook,
                      const int *tokens, size_t n, float *logits, nb_err *err);

#endif
