/* Greedy decoding (temperature 0) from BOS, as llama2.c's run.c does it:
 * one token at a time through the KV cache, stopping at BOS or after `steps`
 * tokens. */
#ifndef NIBBLE_GENERATE_H
#define NIBBLE_GENERATE_H

#include "nibble/model.h"
#include "nibble/tokenizer.h"

/* Writes the decoded text (NUL-terminated, cut at cap - 1 bytes). */
bool nb_llama_generate_greedy(const nb_llama *m, const nb_tokenizer *t, const nb_linear_hook *hook,
                              int steps, char *text, size_t cap, nb_err *err);

#endif
