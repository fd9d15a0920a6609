/* The cost of an unsigned activation format on a signed input, isolated from
 * quantization: the chosen layers see max(x, 0) and compute otherwise as the
 * inner hook does. */
#include <stdlib.h>

#include "nibble/model_overq.h"

struct nb_relu_inputs {
    unsigned inputs;
    nb_linear_hook inner;
    float *buf;
    size_t cap;
};

nb_relu_inputs *nb_relu_inputs_new(unsigned inputs, const nb_linear_hook *inner, nb_err *err)
{
    if (inputs >= 1u << NB_IN_KINDS)
        return nb_fail(err, "input mask 0x%x names inputs that do not exist (at most 0x%x)",
                       inputs, (1u << NB_IN_KINDS) - 1), NULL;
    nb_relu_inputs *r = calloc(1, sizeof *r);
    if (!r)
        return nb_fail(err, "out of memory"), NULL;
    r->inputs = inputs;
    r->inner = inner ? *inner : (nb_linear_hook){0};
    return r;
}

void nb_relu_inputs_free(nb_relu_inputs *r)
{
    if (r)
        free(r->buf);
    free(r);
}

static bool apply(void *ctx, const nb_llama *m, int id, const float *x, size_t M, float *y,
                  nb_err *err)
{
    nb_relu_inputs *r = ctx;
    if (r->inputs & (1u << nb_llama_input_of(m, id))) {
        size_t N, K;
        nb_llama_linear_weight(m, id, &N, &K);
        if (M * K > r->cap) {
            free(r->buf);
            r->buf = malloc(M * K * sizeof *r->buf);
            r->cap = r->buf ? M * K : 0;
            if (!r->buf)
                return nb_fail(err, "out of memory for %zu activations", M * K);
        }
        for (size_t i = 0; i < M * K; i++)
            r->buf[i] = x[i] > 0 ? x[i] : 0;
        x = r->buf;
    }
    if (r->inner.apply)
        return r->inner.apply(r->inner.ctx, m, id, x, M, y, err);
    nb_llama_linear_f32(m, id, x, M, y);
    return true;
}

nb_linear_hook nb_relu_inputs_hook(nb_relu_inputs *r)
{
    return (nb_linear_hook){.apply = apply, .ctx = r};
}
