/* Hugging Face llama checkpoints: config.json plus one or more .safetensors
 * files (F32, F16, BF16, F64, converted to float32 by num/io).
 *
 * Hugging Face applies rotary embeddings to the two halves of each head
 * (rotate_half: element i pairs with i + head_size/2), llama2.c to adjacent
 * pairs (2i, 2i+1). llama2.c's export.py permutes the q and k projections
 * between the two; we apply the same row permutation when loading, so the
 * forward pass stays llama2.c's: row h*hs + 2i + j of ours is row
 * h*hs + j*hs/2 + i of Hugging Face's (j = 0, 1). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/model.h"
#include "nibble/tensor_io.h"

#define MAX_SHARDS 256

static bool get_int(json_t *cfg, const char *key, bool required, int dflt, int *out,
                    const char *path, nb_err *err)
{
    json_t *v = json_object_get(cfg, key);
    if (!v || json_is_null(v)) {
        if (required)
            return nb_fail(err, "%s: \"%s\" is missing; a llama config.json has it", path, key);
        *out = dflt;
        return true;
    }
    if (!json_is_integer(v) || json_integer_value(v) <= 0 || json_integer_value(v) > (1 << 20))
        return nb_fail(err, "%s: \"%s\" must be a positive integer up to %d", path, key, 1 << 20);
    *out = (int)json_integer_value(v);
    return true;
}

static bool read_config(const char *dir, nb_llama_config *c, nb_err *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/config.json", dir);
    json_error_t je;
    json_t *cfg = json_load_file(path, 0, &je);
    if (!cfg)
        return nb_fail(err, "%s: %s (line %d): give the config.json of a Hugging Face llama "
                       "checkpoint", path, je.text, je.line);
    bool ok = json_is_object(cfg) || nb_fail(err, "%s is not a JSON object", path);
    json_t *mt = ok ? json_object_get(cfg, "model_type") : NULL;
    if (ok && mt && !(json_is_string(mt) && strcmp(json_string_value(mt), "llama") == 0))
        ok = nb_fail(err, "%s: model_type %s is not supported (only \"llama\")", path,
                     json_is_string(mt) ? json_string_value(mt) : "(not a string)");
    json_t *act = ok ? json_object_get(cfg, "hidden_act") : NULL;
    if (ok && act && !(json_is_string(act) && strcmp(json_string_value(act), "silu") == 0))
        ok = nb_fail(err, "%s: hidden_act must be \"silu\" (SwiGLU)", path);
    json_t *rs = ok ? json_object_get(cfg, "rope_scaling") : NULL;
    if (ok && rs && !json_is_null(rs))
        ok = nb_fail(err, "%s: rope_scaling is not supported (plain rotary embeddings only)",
                     path);
    memset(c, 0, sizeof *c);
    ok = ok && get_int(cfg, "hidden_size", true, 0, &c->dim, path, err) &&
         get_int(cfg, "intermediate_size", true, 0, &c->hidden_dim, path, err) &&
         get_int(cfg, "num_hidden_layers", true, 0, &c->n_layers, path, err) &&
         get_int(cfg, "num_attention_heads", true, 0, &c->n_heads, path, err) &&
         get_int(cfg, "num_key_value_heads", false, c->n_heads, &c->n_kv_heads, path, err) &&
         get_int(cfg, "vocab_size", true, 0, &c->vocab_size, path, err) &&
         get_int(cfg, "max_position_embeddings", true, 0, &c->seq_len, path, err);
    int head_dim = 0;
    if (ok && get_int(cfg, "head_dim", false, c->dim / c->n_heads, &head_dim, path, err) &&
        head_dim * c->n_heads != c->dim)
        ok = nb_fail(err, "%s: head_dim %d times %d heads is not hidden_size %d (not supported)",
                     path, head_dim, c->n_heads, c->dim);
    json_t *eps = json_object_get(cfg, "rms_norm_eps"), *theta = json_object_get(cfg, "rope_theta"),
           *tie = json_object_get(cfg, "tie_word_embeddings");
    c->rms_eps = eps && json_is_number(eps) ? (float)json_number_value(eps) : 1e-6f;
    c->rope_theta = theta && json_is_number(theta) ? (float)json_number_value(theta) : 10000.0f;
    c->shared_classifier = tie && json_is_true(tie);
    if (ok && (!(c->rms_eps > 0) || !(c->rope_theta > 0)))
        ok = nb_fail(err, "%s: rms_norm_eps and rope_theta must be positive", path);
    json_decref(cfg);
    return ok && (nb_llama_config_check(c, err) || nb_fail_prefix(err, "%s", path));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_shards(const char *dir, char **paths, nb_err *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return nb_fail(err, "cannot open the directory %s", dir), -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 12 || strcmp(e->d_name + len - 12, ".safetensors") != 0)
            continue;
        if (n == MAX_SHARDS) {
            closedir(d);
            return nb_fail(err, "%s: more than %d .safetensors files", dir, MAX_SHARDS), -1;
        }
        paths[n] = malloc(strlen(dir) + len + 2);
        if (!paths[n])
            break;
        sprintf(paths[n], "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    qsort(paths, (size_t)n, sizeof *paths, cmp_str);
    if (!n)
        return nb_fail(err, "%s holds config.json but no .safetensors file: give the directory "
                       "with the model's weights", dir), -1;
    return n;
}

static const nb_tensor *find(const nb_tensor_list *l, const char *name)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    return NULL;
}

/* Copy tensor `name` of shape [rows][cols] (cols 0: one dimension) to dst;
 * heads > 0 permutes rows from the halves to the pairs layout. */
static bool take(const nb_tensor_list *l, const char *dir, const char *name, size_t rows,
                 size_t cols, int heads, float *dst, nb_err *err)
{
    const nb_tensor *t = find(l, name);
    if (!t)
        return nb_fail(err, "%s: tensor %s is missing from the .safetensors files", dir, name);
    bool shape_ok = cols ? t->ndim == 2 && (size_t)t->shape[0] == rows &&
                               (size_t)t->shape[1] == cols
                         : t->ndim == 1 && (size_t)t->shape[0] == rows;
    if (!shape_ok)
        return nb_fail(err, "%s: tensor %s has the wrong shape for config.json (expected "
                       "[%zu%s%.0zu])", dir, name, rows, cols ? ", " : "", cols);
    size_t n = cols ? cols : 1;
    if (heads <= 0) {
        memcpy(dst, t->data, rows * n * sizeof *dst);
        return true;
    }
    size_t hs = rows / (size_t)heads;
    for (size_t h = 0; h < (size_t)heads; h++)
        for (size_t i = 0; i < hs / 2; i++)
            for (size_t j = 0; j < 2; j++)
                memcpy(dst + (h * hs + 2 * i + j) * n, t->data + (h * hs + j * hs / 2 + i) * n,
                       n * sizeof *dst);
    return true;
}

bool nb_llama_load_hf(const char *dir, nb_llama *m, nb_err *err)
{
    memset(m, 0, sizeof *m);
    nb_llama_config c;
    if (!read_config(dir, &c, err))
        return false;
    char *paths[MAX_SHARDS];
    int np = list_shards(dir, paths, err);
    if (np < 0)
        return false;
    nb_tensor_list l = {0};
    bool ok = nb_tensors_load_files((const char *const *)paths, np, NULL, &l, err);
    for (int i = 0; i < np; i++)
        free(paths[i]);
    if (!ok)
        return false;
    size_t count = ok ? nb_llama_weight_count(&c, err) : 0;
    float *w = count ? calloc(count, sizeof *w) : NULL;
    if (!w) {
        nb_tensor_list_free(&l);
        return count ? nb_fail(err, "out of memory for %zu weights", count) : false;
    }
    /* fill a legacy-layout buffer, then reuse nb_llama_from_config's mapping */
    size_t L = (size_t)c.n_layers, d = (size_t)c.dim, h = (size_t)c.hidden_dim;
    size_t hs = d / (size_t)c.n_heads, kv = hs * (size_t)c.n_kv_heads, V = (size_t)c.vocab_size;
    size_t o_emb = 0, o_ra = V * d, o_wq = o_ra + L * d, o_wk = o_wq + L * d * d,
           o_wv = o_wk + L * kv * d, o_wo = o_wv + L * kv * d, o_rf = o_wo + L * d * d,
           o_w1 = o_rf + L * d, o_w2 = o_w1 + L * h * d, o_w3 = o_w2 + L * d * h,
           o_fin = o_w3 + L * h * d, o_cls = o_fin + d + (size_t)c.seq_len * hs;
    char name[128];
    ok = take(&l, dir, "model.embed_tokens.weight", V, d, 0, w + o_emb, err) &&
         take(&l, dir, "model.norm.weight", d, 0, 0, w + o_fin, err);
    for (size_t i = 0; ok && i < L; i++) {
#define TAKE(suffix, rows, cols, heads, off)                                                   \
    (snprintf(name, sizeof name, "model.layers.%zu.%s", i, suffix),                            \
     take(&l, dir, name, rows, cols, heads, w + (off), err))
        ok = TAKE("input_layernorm.weight", d, 0, 0, o_ra + i * d) &&
             TAKE("post_attention_layernorm.weight", d, 0, 0, o_rf + i * d) &&
             TAKE("self_attn.q_proj.weight", d, d, c.n_heads, o_wq + i * d * d) &&
             TAKE("self_attn.k_proj.weight", kv, d, c.n_kv_heads, o_wk + i * kv * d) &&
             TAKE("self_attn.v_proj.weight", kv, d, 0, o_wv + i * kv * d) &&
             TAKE("self_attn.o_proj.weight", d, d, 0, o_wo + i * d * d) &&
             TAKE("mlp.gate_proj.weight", h, d, 0, o_w1 + i * h * d) &&
             TAKE("mlp.down_proj.weight", d, h, 0, o_w2 + i * d * h) &&
             TAKE("mlp.up_proj.weight", h, d, 0, o_w3 + i * h * d);
#undef TAKE
    }
    if (ok && !c.shared_classifier)
        ok = take(&l, dir, "lm_head.weight", V, d, 0, w + o_cls, err);
    nb_tensor_list_free(&l);
    ok = ok && nb_llama_from_config(&c, w, m, err);
    if (ok && !nb_llama_check_finite(m, dir, err)) {
        nb_llama_free(m);
        ok = false;
    }
    free(w);
    return ok;
}
