/* A tiny random llama2.c checkpoint and tokenizer that the tests write themselves. */
#ifndef NIBBLE_TEST_TINY_MODEL_H
#define NIBBLE_TEST_TINY_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "nibble/model.h"

/* dim 16, hidden 40, 2 layers, 4 heads, 2 kv heads, vocab 300, seq_len 32. */
nb_llama_config tiny_config(bool shared);
/* Random weights in the legacy order (malloc'd; count floats). */
float *tiny_weights(const nb_llama_config *c, unsigned seed, size_t *count);
/* Write the checkpoint: version 0 (legacy) or 1 ("ak42"). */
void tiny_write_checkpoint(const char *path, const nb_llama_config *c, const float *w, int version);
/* A tokenizer.bin of n tokens: <unk>, <s>, </s>, the 256 byte tokens, then
 * " ", "a", "b", " a", "ab", " ab", ... (scores favour longer pieces). */
void tiny_write_tokenizer(const char *path, int n);

#endif
