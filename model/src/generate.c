#include <stdlib.h>
#include <string.h>

#include "nibble/generate.h"

bool nb_llama_generate_greedy(const nb_llama *m, const nb_tokenizer *t, const nb_linear_hook *hook,
                              int steps, char *text, size_t cap, nb_err *err)
{
    nb_llama_state s;
    if (cap == 0 || !nb_llama_state_init(m, &s, err))
        return false;
    float *logits = malloc((size_t)m->cfg.vocab_size * sizeof *logits);
    bool ok = logits || nb_fail(err, "out of memory");
    size_t used = 0;
    text[0] = '\0';
    int token = NB_LLAMA_BOS;
    for (int step = 0; ok && step < steps && s.pos < m->cfg.seq_len; step++) {
        if (!(ok = nb_llama_forward(m, &s, hook, &token, 1, logits, err)))
            break;
        int next = 0;
        for (int i = 1; i < m->cfg.vocab_size; i++)
            if (logits[i] > logits[next])
                next = i;
        if (next == NB_LLAMA_BOS)
            break;
        used += nb_tokenizer_decode(t, token, next, text + used, cap - used);
        token = next;
    }
    free(logits);
    nb_llama_state_free(&s);
    return ok;
}
