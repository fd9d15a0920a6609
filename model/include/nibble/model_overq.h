/* OverQ on a model's real activations (model/README.md, "OverQ on real
 * activations"): a linear hook that watches the input of every linear layer,
 * leaves the layer's output exactly as the inner hook (or float32) computes
 * it, and counts, per transformer layer and per input:
 *   - exact zeros and negative values of the float input;
 *   - zero codes after per-token quantization with given activation formats
 *     (one absmax scale per token, as the model's quantized path does; an
 *     unsigned format sees the ReLU'd input, max(x, 0));
 *   - the golden OverQ encoder's statistics (num/overq.h, nb_overq_encode:
 *     zeros, outliers, outliers handled) at cascade depths 0..4, slots along
 *     the input (reduction) axis of one token, chains inside array-height
 *     tiles and, for comparison, without tile boundaries. OverQ is unsigned, so
 *     it sees a view of the signed input: the ReLU'd input (what an unsigned
 *     OverQ array would be given: the negatives become zeros) or the
 *     magnitudes |x| (a sign-magnitude variant, sign carried beside the
 *     4 bits; not what nibble's hardware implements).
 *
 * Outlier and coverage are the golden encoder's: with the token's scale s
 * (by default the best plain 4-bit scale, nb_overq_mse_scale, as sim's OverQ
 * workload chooses it), v = round(x / s); an outlier is v > 15; it is handled
 * when the greedy encoder finds a zero (v == 0) within `depth` slots below it
 * in its tile. Coverage = handled / outliers. */
#ifndef NIBBLE_MODEL_OVERQ_H
#define NIBBLE_MODEL_OVERQ_H

#include <stdint.h>

#include "nibble/format.h"
#include "nibble/model.h"
#include "nibble/overq.h"
#include "nibble/quant.h"

/* The distinct inputs of a transformer block's linear layers: q, k and v read
 * the same vector, and so do gate and up; each is counted once (at q, at gate). */
typedef enum nb_llama_input {
    NB_IN_QKV,    /* RMSNorm(x): q, k, v */
    NB_IN_O,      /* attention output: o */
    NB_IN_GATEUP, /* RMSNorm(x): gate, up */
    NB_IN_DOWN,   /* silu(gate) * up: down */
    NB_IN_CLS,    /* final RMSNorm: the classifier (last "layer" only) */
    NB_IN_KINDS
} nb_llama_input;

/* "q,k,v", "o", "gate,up", "down", "classifier" */
const char *nb_llama_input_name(nb_llama_input in);
/* The input a linear layer reads (k and v: NB_IN_QKV; up: NB_IN_GATEUP). */
nb_llama_input nb_llama_input_of(const nb_llama *m, int id);

#define NB_PROBE_DEPTHS 5        /* cascade depths 0..4 (0 = plain 4-bit) */
#define NB_PROBE_FORMATS_MAX 8

typedef enum nb_probe_view {
    NB_VIEW_RELU,       /* max(x, 0) */
    NB_VIEW_MAGNITUDE,  /* |x| */
    NB_VIEW_COUNT
} nb_probe_view;

const char *nb_probe_view_name(nb_probe_view v);  /* "relu", "magnitude" */

typedef struct nb_act_stats {
    uint64_t calls, tokens, elements;
    size_t K;                  /* input length (0 before the first call) */
    uint64_t zeros;            /* exactly 0.0 */
    uint64_t negatives;        /* below 0: the ReLU would make them zeros */
    double min, max;
    uint64_t zero_codes[NB_PROBE_FORMATS_MAX];   /* by format of the options */
    /* [view][0: chains inside tiles of opts.tile slots, 1: no tile boundary][depth];
     * slots == 0 where the depth does not fit in the tile */
    nb_overq_stats overq[NB_VIEW_COUNT][2][NB_PROBE_DEPTHS];
} nb_act_stats;

typedef struct nb_overq_probe_opts {
    size_t tile;               /* array rows: chains stay inside tiles of this many slots
                                * (0 = no boundary); depths >= tile are not counted */
    const nb_format *fmts;     /* formats whose zero codes to count (borrowed) */
    int nfmts;                 /* 0..NB_PROBE_FORMATS_MAX */
    nb_rounding rounding;      /* of those formats' quantizer */
    double fixed_scale;        /* 0: each token's best plain 4-bit scale (nb_overq_mse_scale);
                                * > 0: this OverQ scale for every token (hand-checkable cases) */
} nb_overq_probe_opts;

nb_overq_probe_opts nb_overq_probe_opts_default(void);

typedef struct nb_overq_probe nb_overq_probe;

nb_overq_probe *nb_overq_probe_new(const nb_llama *m, const nb_overq_probe_opts *o, nb_err *err);
void nb_overq_probe_free(nb_overq_probe *p);

/* The hook: observes x, then computes y with *inner (NULL or no apply: float32),
 * so the model's outputs are those of *inner, bit for bit. inner is copied. */
nb_linear_hook nb_overq_probe_hook(nb_overq_probe *p, const nb_linear_hook *inner);

/* Counts of one input of one layer (layer = n_layers for the classifier), or
 * NULL out of range. */
const nb_act_stats *nb_overq_probe_stats(const nb_overq_probe *p, int layer, nb_llama_input in);
/* The sum over every layer of one input kind. */
void nb_overq_probe_total(const nb_overq_probe *p, nb_llama_input in, nb_act_stats *out);
/* Add b into a (same K, same options). */
void nb_act_stats_add(nb_act_stats *a, const nb_act_stats *b);

/* Coverage: handled / outliers (NaN when there is no outlier or the depth was
 * not counted). */
double nb_act_coverage(const nb_act_stats *s, nb_probe_view v, bool tiled, int depth);

/* What an unsigned activation format (uint4, nibble's OverQ) would do to a
 * signed input: a hook that gives the chosen inputs' layers max(x, 0) instead
 * of x, then computes with *inner (NULL: float32). `inputs` is a bit mask of
 * (1 << nb_llama_input). Used to measure the model's loss from the ReLU. */
typedef struct nb_relu_inputs nb_relu_inputs;

nb_relu_inputs *nb_relu_inputs_new(unsigned inputs, const nb_linear_hook *inner, nb_err *err);
nb_linear_hook nb_relu_inputs_hook(nb_relu_inputs *r);
void nb_relu_inputs_free(nb_relu_inputs *r);

#endif
