/* OverQ on real activations: a linear hook that counts zeros, zero codes and
 * the golden OverQ encoder's statistics on every linear layer's input, and
 * otherwise passes the call on unchanged. The OverQ counts are nb_overq_encode's
 * own (num/src/overq_encode.c), on the encoder inputs nb_overq_inputs makes
 * with the scale nb_overq_mse_scale chooses: exactly what sim's OverQ workload
 * feeds the array, one token (one row of X) at a time. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/model_overq.h"
#include "nibble/quant.h"

struct nb_overq_probe {
    nb_overq_probe_opts o;
    nb_format fmts[NB_PROBE_FORMATS_MAX];
    int layers;                 /* n_layers + 1 (the classifier's) */
    nb_act_stats *stats;        /* [layers][NB_IN_KINDS] */
    nb_linear_hook inner;
    /* scratch, grown to the longest input */
    size_t cap;
    float *row;
    uint16_t *u;
    uint8_t *nib, *tag;
};

const char *nb_llama_input_name(nb_llama_input in)
{
    static const char *names[NB_IN_KINDS] = {"q,k,v", "o", "gate,up", "down", "classifier"};
    return (unsigned)in < NB_IN_KINDS ? names[in] : "?";
}

nb_llama_input nb_llama_input_of(const nb_llama *m, int id)
{
    if (id == nb_llama_classifier_id(m))
        return NB_IN_CLS;
    switch ((nb_linear_kind)(id % NB_LIN_KINDS)) {
    case NB_LIN_O: return NB_IN_O;
    case NB_LIN_GATE:
    case NB_LIN_UP: return NB_IN_GATEUP;
    case NB_LIN_DOWN: return NB_IN_DOWN;
    default: return NB_IN_QKV;
    }
}

const char *nb_probe_view_name(nb_probe_view v)
{
    return v == NB_VIEW_MAGNITUDE ? "magnitude" : "relu";
}

nb_overq_probe_opts nb_overq_probe_opts_default(void)
{
    return (nb_overq_probe_opts){.tile = 8, .rounding = NB_ROUND_NEAREST_LOWER};
}

void nb_overq_probe_free(nb_overq_probe *p)
{
    if (!p)
        return;
    free(p->stats);
    free(p->row);
    free(p->u);
    free(p->nib);
    free(p->tag);
    free(p);
}

nb_overq_probe *nb_overq_probe_new(const nb_llama *m, const nb_overq_probe_opts *o, nb_err *err)
{
    if (o->nfmts < 0 || o->nfmts > NB_PROBE_FORMATS_MAX)
        return nb_fail(err, "at most %d activation formats can be counted at once (got %d)",
                       NB_PROBE_FORMATS_MAX, o->nfmts), NULL;
    if (!(o->fixed_scale >= 0) || isinf(o->fixed_scale))
        return nb_fail(err, "the OverQ scale %g is not a finite number >= 0 (0 = each token's "
                       "best plain 4-bit scale)", o->fixed_scale), NULL;
    for (int i = 0; i < o->nfmts; i++)
        if (o->fmts[i].is_overq)
            return nb_fail(err, "overq is not counted as a plain activation format: its zeros, "
                           "outliers and coverage are the OverQ columns; list plain formats "
                           "(e.g. int8, int4, e2m1, uint4)"), NULL;
    nb_overq_probe *p = calloc(1, sizeof *p);
    if (!p)
        return nb_fail(err, "out of memory"), NULL;
    p->o = *o;
    for (int i = 0; i < o->nfmts; i++)
        p->fmts[i] = o->fmts[i];
    p->o.fmts = p->fmts;
    p->layers = m->cfg.n_layers + 1;
    p->stats = calloc((size_t)p->layers * NB_IN_KINDS, sizeof *p->stats);
    if (!p->stats) {
        nb_overq_probe_free(p);
        return nb_fail(err, "out of memory"), NULL;
    }
    return p;
}

const nb_act_stats *nb_overq_probe_stats(const nb_overq_probe *p, int layer, nb_llama_input in)
{
    if (layer < 0 || layer >= p->layers || (unsigned)in >= NB_IN_KINDS)
        return NULL;
    return &p->stats[(size_t)layer * NB_IN_KINDS + in];
}

static void overq_add(nb_overq_stats *a, const nb_overq_stats *b)
{
    a->slots += b->slots;
    a->zeros += b->zeros;
    a->outliers += b->outliers;
    a->handled += b->handled;
    for (int d = 0; d <= NB_OVERQ_CASCADE_MAX; d++)
        a->handled_at[d] += b->handled_at[d];
    a->clipped += b->clipped;
    a->precision += b->precision;
}

void nb_act_stats_add(nb_act_stats *a, const nb_act_stats *b)
{
    if (!b->calls)
        return;
    if (!a->calls) {
        a->min = b->min;
        a->max = b->max;
    }
    a->min = b->min < a->min ? b->min : a->min;
    a->max = b->max > a->max ? b->max : a->max;
    a->K = a->K ? a->K : b->K;
    a->calls += b->calls;
    a->tokens += b->tokens;
    a->elements += b->elements;
    a->zeros += b->zeros;
    a->negatives += b->negatives;
    for (int f = 0; f < NB_PROBE_FORMATS_MAX; f++)
        a->zero_codes[f] += b->zero_codes[f];
    for (int v = 0; v < NB_VIEW_COUNT; v++)
        for (int t = 0; t < 2; t++)
            for (int d = 0; d < NB_PROBE_DEPTHS; d++)
                overq_add(&a->overq[v][t][d], &b->overq[v][t][d]);
}

void nb_overq_probe_total(const nb_overq_probe *p, nb_llama_input in, nb_act_stats *out)
{
    memset(out, 0, sizeof *out);
    for (int l = 0; l < p->layers; l++)
        nb_act_stats_add(out, nb_overq_probe_stats(p, l, in));
}

double nb_act_coverage(const nb_act_stats *s, nb_probe_view v, bool tiled, int depth)
{
    if ((unsigned)v >= NB_VIEW_COUNT || depth < 0 || depth >= NB_PROBE_DEPTHS)
        return NAN;
    const nb_overq_stats *o = &s->overq[v][tiled ? 0 : 1][depth];
    return o->slots && o->outliers ? (double)o->handled / (double)o->outliers : NAN;
}

static bool grow(nb_overq_probe *p, size_t K)
{
    if (K <= p->cap)
        return true;
    float *row = realloc(p->row, K * sizeof *row);
    if (row)
        p->row = row;
    uint16_t *u = realloc(p->u, K * sizeof *u);
    if (u)
        p->u = u;
    uint8_t *nib = realloc(p->nib, K), *tag = realloc(p->tag, K);
    if (nib)
        p->nib = nib;
    if (tag)
        p->tag = tag;
    if (!row || !u || !nib || !tag)
        return false;
    p->cap = K;
    return true;
}

/* Zero codes of each format: per-token quantization, as the model's quantized
 * path does it (one scale per row); an unsigned format gets max(x, 0). */
static bool count_zero_codes(nb_overq_probe *p, nb_act_stats *s, const float *x, size_t M,
                             size_t K, nb_err *err)
{
    float *relu = NULL;
    bool ok = true;
    for (int f = 0; ok && f < p->o.nfmts; f++) {
        const nb_format *fmt = &p->fmts[f];
        const float *in = x;
        if (fmt->encoding == NB_ENC_UNSIGNED) {
            if (!relu && !(relu = malloc(M * K * sizeof *relu)))
                return nb_fail(err, "out of memory for %zu activations", M * K);
            for (size_t i = 0; i < M * K; i++)
                relu[i] = x[i] > 0 ? x[i] : 0;
            in = relu;
        }
        nb_quant_opts qo = nb_quant_opts_default();
        qo.granularity = NB_SCALE_CHANNEL;
        qo.rounding = p->o.rounding;
        nb_qtensor q;
        if ((ok = nb_quantize(in, M, K, fmt, &qo, &q, err))) {
            for (size_t i = 0; i < M * K; i++)
                s->zero_codes[f] += nb_format_hw_value(fmt, q.codes[i]) == 0;
            nb_qtensor_free(&q);
        }
    }
    free(relu);
    return ok;
}

/* One token through the golden encoder, for each view, tiling and depth. */
static void count_overq(nb_overq_probe *p, nb_act_stats *s, const float *x, size_t K)
{
    for (int v = 0; v < NB_VIEW_COUNT; v++) {
        for (size_t k = 0; k < K; k++)
            p->row[k] = v == NB_VIEW_RELU ? (x[k] > 0 ? x[k] : 0) : fabsf(x[k]);
        double scale = p->o.fixed_scale > 0 ? p->o.fixed_scale : nb_overq_mse_scale(p->row, K);
        nb_overq_inputs(p->row, K, scale, NB_OVERQ_RANGE, p->u);
        for (int t = 0; t < 2; t++)
            for (int d = 0; d < NB_PROBE_DEPTHS; d++) {
                size_t tile = t == 0 ? p->o.tile : 0;
                if (tile && (size_t)d >= tile)
                    continue; /* a chain of depth + 1 slots does not fit in the tile */
                nb_overq_params op = {d, NB_OVERQ_RANGE, tile};
                nb_overq_encode(p->u, K, &op, p->nib, p->tag, &s->overq[v][t][d]);
            }
    }
}

static bool observe(nb_overq_probe *p, const nb_llama *m, int id, const float *x, size_t M,
                    nb_err *err)
{
    nb_llama_input in = nb_llama_input_of(m, id);
    int layer = in == NB_IN_CLS ? m->cfg.n_layers : id / NB_LIN_KINDS;
    nb_linear_kind kind = (nb_linear_kind)(id % NB_LIN_KINDS);
    if (in != NB_IN_CLS && (kind == NB_LIN_K || kind == NB_LIN_V || kind == NB_LIN_UP))
        return true; /* the same input as q or gate: counted there */
    size_t N, K;
    nb_llama_linear_weight(m, id, &N, &K);
    if (!M || !K)
        return true;
    char name[64];
    if (!nb_check_finite(x, M * K, "activations", err)) {
        nb_llama_linear_name(m, id, name, sizeof name);
        return nb_fail_prefix(err, "the input of %s: ", name);
    }
    if (!grow(p, K))
        return nb_fail(err, "out of memory for OverQ statistics of %zu inputs", K);
    nb_act_stats *s = &p->stats[(size_t)layer * NB_IN_KINDS + in];
    if (!s->calls) {
        s->min = x[0];
        s->max = x[0];
    }
    s->K = K;
    s->calls++;
    s->tokens += M;
    s->elements += M * K;
    for (size_t i = 0; i < M * K; i++) {
        s->zeros += x[i] == 0;
        s->negatives += x[i] < 0;
        s->min = x[i] < s->min ? x[i] : s->min;
        s->max = x[i] > s->max ? x[i] : s->max;
    }
    if (!count_zero_codes(p, s, x, M, K, err)) {
        nb_llama_linear_name(m, id, name, sizeof name);
        return nb_fail_prefix(err, "the input of %s: ", name);
    }
    for (size_t r = 0; r < M; r++)
        count_overq(p, s, x + r * K, K);
    return true;
}

static bool apply(void *ctx, const nb_llama *m, int id, const float *x, size_t M, float *y,
                  nb_err *err)
{
    nb_overq_probe *p = ctx;
    if (!observe(p, m, id, x, M, err))
        return false;
    if (p->inner.apply)
        return p->inner.apply(p->inner.ctx, m, id, x, M, y, err);
    nb_llama_linear_f32(m, id, x, M, y);
    return true;
}

nb_linear_hook nb_overq_probe_hook(nb_overq_probe *p, const nb_linear_hook *inner)
{
    p->inner = inner ? *inner : (nb_linear_hook){0};
    return (nb_linear_hook){.apply = apply, .ctx = p};
}
