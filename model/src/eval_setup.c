/* The model options, inputs and weight scalings that nibble eval and
 * nibble report --model share (model_setup.h). */
#include <stdio.h>
#include <string.h>

#include "nibble/list.h"
#include "nibble/model_eval.h"
#include "nibble/model_setup.h"
#include "nibble/parse.h"

bool nb_eval_source_check(const nb_eval_source *s, nb_err *err)
{
    if (!s->model)
        return nb_fail(err, "--model M is required (a llama2.c checkpoint)");
    if (!s->text == !s->tokens)
        return nb_fail(err, "give exactly one of --text F and --tokens F.npy");
    if (s->text && !s->tokenizer)
        return nb_fail(err, "--text needs --tokenizer T (llama2.c tokenizer.bin); for other "
                       "tokenizers give --tokens F.npy");
    return true;
}

bool nb_eval_data_load(const nb_eval_source *s, nb_eval_data *d, nb_err *err)
{
    memset(d, 0, sizeof *d);
    if (!nb_eval_source_check(s, err) || !nb_llama_load(s->model, &d->m, err))
        return false;
    bool ok = (!s->tokenizer || nb_tokenizer_load(s->tokenizer, d->m.cfg.vocab_size, &d->t, err)) &&
              (s->text ? nb_text_to_rows(&d->t, s->text, s->lines, d->m.cfg.seq_len, &d->rows, err)
                       : nb_tokens_load_npy(s->tokens, &d->rows, err)) &&
              nb_rows_fit_model(&d->rows, &d->m, s->lines, err);
    if (!ok)
        nb_eval_data_free(d);
    return ok;
}

void nb_eval_data_free(nb_eval_data *d)
{
    nb_token_rows_free(&d->rows);
    nb_tokenizer_free(&d->t);
    nb_llama_free(&d->m);
}

int nb_eval_groups_parse(const char *opt, const char *list, size_t *out, nb_err *err)
{
    nb_list l;
    int n = nb_list_split(list ? list : "", ",", &l, err) ? 0 : -1;
    for (int k = 0; n >= 0 && k < l.n; k++) {
        const char *tok = l.items[k];
        long long v = 0;
        nb_num_status st = strcmp(tok, "channel") ? nb_parse_int(tok, -1000000000, 1000000000, &v)
                                                  : NB_NUM_OK;
        if (n == NB_EVAL_GROUPS_MAX)
            n = nb_fail(err, "%s: at most %d entries", opt, NB_EVAL_GROUPS_MAX) - 1;
        else if (strcmp(tok, "channel") == 0)
            out[n++] = 0;
        else if (st == NB_NUM_SYNTAX)
            n = nb_fail(err, "%s: '%s' is not an integer; write it in decimal digits, or "
                        "'channel'", opt, tok) - 1;
        else if (st == NB_NUM_RANGE)
            n = nb_fail(err, "%s: %s is out of range (1..1000000000)", opt, tok) - 1;
        else if (v <= 0)
            n = nb_fail(err, "%s: %lld is not a group size; give a positive number of "
                        "input elements per scale, or 'channel'", opt, v) - 1;
        else
            out[n++] = (size_t)v;
    }
    nb_list_free(&l);
    if (n == 0)
        return nb_fail(err, "%s: give 'channel' and/or positive group sizes", opt), -1;
    return n;
}

void nb_eval_group_text(size_t group, char *buf, size_t len)
{
    if (group)
        snprintf(buf, len, "g%zu", group);
    else
        snprintf(buf, len, "channel");
}
