/* nibble eval --overq-stats: zero fractions and OverQ coverage on the real
 * inputs of every linear layer of a model (model/include/nibble/model_overq.h). */
#ifndef NIBBLE_CLI_EVAL_OVERQ_H
#define NIBBLE_CLI_EVAL_OVERQ_H

#include "nibble/model.h"
#include "nibble/tokenizer.h"

typedef struct eval_overq_args {
    const char *model, *data;   /* paths, for the output */
    bool data_is_text;          /* --text (else --tokens) */
    const char *acts;           /* formats whose zero codes to count */
    long tile;                  /* array rows: chains stay inside tiles of this many slots */
    const char *csv, *json;     /* checked by the caller before the run */
    bool quiet;
} eval_overq_args;

/* Runs the model over the rows with the probe, checks it left the outputs
 * unchanged, writes CSV/JSON and prints the tables. Returns an exit status
 * (the error is printed). */
int eval_overq_stats(const char *cmd, const nb_llama *m, const nb_token_rows *rows,
                     const eval_overq_args *a);

#endif
