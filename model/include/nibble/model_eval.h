/* Model-level accuracy: perplexity of a model on text or token ids, in float
 * and with its linear layers on other arithmetic, and how far each variant's
 * next-token distribution is from the float one.
 *
 * Scoring protocol (comparable with other tools): for each non-empty line of
 * the text, tokens = BOS + encode(line) with the dummy-prefix space, truncated
 * to the model's seq_len; the predictions of tokens[1:] are scored;
 * perplexity = exp(total NLL / scored tokens), the NLL summed in double over
 * all lines. */
#ifndef NIBBLE_MODEL_EVAL_H
#define NIBBLE_MODEL_EVAL_H

#include <signal.h>
#include <stdio.h>

#include "nibble/model.h"
#include "nibble/tokenizer.h"

/* The sequences of a text file under the protocol above; max_lines 0 = all.
 * An empty text (no non-empty line) is an error. */
bool nb_text_to_rows(const nb_tokenizer *t, const char *path, size_t max_lines, int seq_len,
                     nb_token_rows *out, nb_err *err);

/* Pre-tokenized rows cut to seq_len: a one-row stream becomes consecutive
 * windows of seq_len tokens, longer rows are truncated; max_rows 0 = all.
 * Every id must be in the vocabulary. */
bool nb_rows_fit_model(nb_token_rows *rows, const nb_llama *m, size_t max_rows, nb_err *err);

typedef struct nb_eval_result {
    double nll;              /* summed over scored tokens, in double */
    size_t scored;           /* predictions scored */
    double perplexity;
    double kl_sum;           /* sum over scored positions of KL(P_float || P_variant), nats */
    size_t top1_agree;       /* positions whose argmax equals the float one */
    double mean_kl, top1;    /* kl_sum / scored, top1_agree / scored */
    double seconds;
    bool failed;             /* with nb_eval_opts.keep_going: this variant was dropped */
    char error[NB_ERR_MAX];  /* ... and why (e.g. unsigned activations on signed inputs) */
} nb_eval_result;

typedef struct nb_eval_opts {
    FILE *progress;                       /* a progress line (tokens/s, ETA), or NULL */
    const volatile sig_atomic_t *cancel;  /* stop when it becomes non-zero, or NULL */
    bool keep_going;   /* a hook that fails drops its variant (res[v].failed, .error, the
                        * metrics NaN) and the others go on; otherwise the run fails */
} nb_eval_opts;

/* Evaluate the float model (res[0]) and each hook (res[1 .. nhooks]) on the
 * rows. Each row runs as one block (whole-sequence evaluation). */
bool nb_eval_run(const nb_llama *m, const nb_token_rows *rows, const nb_linear_hook *hooks,
                 int nhooks, const nb_eval_opts *o, nb_eval_result *res, nb_err *err);

#endif
