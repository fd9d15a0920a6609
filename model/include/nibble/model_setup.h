/* What every command that evaluates a model shares (nibble eval, nibble
 * report --model): the model options checked before any work, the model,
 * tokenizer and scored sequences loaded together, and the weight-scaling
 * list ("channel,64,32"). */
#ifndef NIBBLE_MODEL_SETUP_H
#define NIBBLE_MODEL_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "nibble/error.h"
#include "nibble/model.h"
#include "nibble/tokenizer.h"

typedef struct nb_eval_source {
    const char *model;      /* llama2.c checkpoint or Hugging Face directory */
    const char *tokenizer;  /* llama2.c tokenizer.bin (needed with text) */
    const char *text;       /* one sequence per non-empty line, or NULL */
    const char *tokens;     /* a .npy of token ids instead, or NULL */
    size_t lines;           /* only the first N lines / rows; 0 = all */
} nb_eval_source;

/* The options fit together (a model; exactly one of text and token ids; a
 * tokenizer with text). Reads no file. */
bool nb_eval_source_check(const nb_eval_source *s, nb_err *err);

typedef struct nb_eval_data {
    nb_llama m;
    nb_tokenizer t;       /* empty with token ids */
    nb_token_rows rows;   /* fitted to the model (nb_rows_fit_model) */
} nb_eval_data;

/* Load the model, the tokenizer (its vocabulary must be the model's) and
 * the sequences under the scoring protocol of model_eval.h. On failure
 * nothing stays allocated. */
bool nb_eval_data_load(const nb_eval_source *s, nb_eval_data *d, nb_err *err);
void nb_eval_data_free(nb_eval_data *d);

/* A weight-scaling list: 'channel' (0) and/or positive group sizes along the
 * input dimension, at most NB_EVAL_GROUPS_MAX; returns how many, or -1 with
 * the error (opt names the option in messages). */
#define NB_EVAL_GROUPS_MAX 8
int nb_eval_groups_parse(const char *opt, const char *list, size_t *out, nb_err *err);
/* "channel" or "g64". */
void nb_eval_group_text(size_t group, char *buf, size_t len);

#endif
