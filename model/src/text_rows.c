/* Sequences to score: the lines of a text, or pre-tokenized rows. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/model_eval.h"

static bool append(nb_token_rows *r, size_t *cap_ids, size_t *cap_rows, const int *ids, size_t n,
                   nb_err *err)
{
    size_t have = r->rows ? r->off[r->rows] : 0;
    if (have + n > *cap_ids) {
        size_t cap = (*cap_ids ? *cap_ids * 2 : 4096) + n;
        int *g = realloc(r->ids, cap * sizeof *g);
        if (!g)
            return nb_fail(err, "out of memory for %zu token ids", cap);
        r->ids = g;
        *cap_ids = cap;
    }
    if (r->rows + 2 > *cap_rows) {
        size_t cap = *cap_rows ? *cap_rows * 2 : 256;
        size_t *g = realloc(r->off, cap * sizeof *g);
        if (!g)
            return nb_fail(err, "out of memory for %zu rows", cap);
        r->off = g;
        *cap_rows = cap;
    }
    if (r->rows == 0)
        r->off[0] = 0;
    memcpy(r->ids + have, ids, n * sizeof *ids);
    r->rows++;
    r->off[r->rows] = have + n;
    return true;
}

bool nb_text_to_rows(const nb_tokenizer *t, const char *path, size_t max_lines, int seq_len,
                     nb_token_rows *out, nb_err *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return nb_fail(err, "cannot open the text %s: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0, len = 0, cap_ids = 0, cap_rows = 0, lineno = 0;
    bool ok = true;
    int c;
    do {
        c = fgetc(f);
        if (c != EOF && c != '\n') {
            if (len + 1 >= cap) {
                cap = cap ? cap * 2 : 256;
                char *g = realloc(line, cap);
                if (!g) {
                    ok = nb_fail(err, "%s: out of memory for a line", path);
                    break;
                }
                line = g;
            }
            line[len++] = (char)c;
            continue;
        }
        lineno++;
        if (len && line[len - 1] == '\r')
            len--;
        if (len == 0)
            continue;
        int *ids;
        size_t n;
        if (!nb_tokenizer_encode(t, line, len, true, &ids, &n, err)) {
            ok = nb_fail_prefix(err, "%s line %zu", path, lineno);
            break;
        }
        if (n > (size_t)seq_len)
            n = (size_t)seq_len;
        ok = append(out, &cap_ids, &cap_rows, ids, n, err);
        free(ids);
        len = 0;
    } while (ok && c != EOF && (!max_lines || out->rows < max_lines));
    free(line);
    if (ok && ferror(f))
        ok = nb_fail(err, "reading %s failed: %s", path, strerror(errno));
    fclose(f);
    if (ok && out->rows == 0)
        ok = nb_fail(err, "%s has no non-empty line: nothing to score; give a text with one "
                     "sequence per line", path);
    if (!ok)
        nb_token_rows_free(out);
    return ok;
}

bool nb_rows_fit_model(nb_token_rows *r, const nb_llama *m, size_t max_rows, nb_err *err)
{
    size_t L = (size_t)m->cfg.seq_len, total = r->off[r->rows];
    for (size_t i = 0; i < total; i++)
        if (r->ids[i] >= m->cfg.vocab_size)
            return nb_fail(err, "token id %d (index %zu) is out of the model's vocabulary "
                           "0..%d: were the ids made with another tokenizer?", r->ids[i], i,
                           m->cfg.vocab_size - 1);
    if (r->rows == 1 && total > L) {
        /* one stream: consecutive windows of seq_len tokens */
        size_t n = (total + L - 1) / L;
        size_t *off = malloc((n + 1) * sizeof *off);
        if (!off)
            return nb_fail(err, "out of memory");
        for (size_t i = 0; i < n; i++)
            off[i] = i * L;
        off[n] = total;
        free(r->off);
        r->off = off;
        r->rows = n;
    }
    /* truncate each row in place by compacting */
    size_t k = 0, start = 0;
    for (size_t i = 0; i < r->rows; i++) {
        size_t b = r->off[i], e = r->off[i + 1], n = e - b < L ? e - b : L;
        memmove(r->ids + k, r->ids + b, n * sizeof *r->ids);
        r->off[i] = start;
        k += n;
        start = k;
    }
    r->off[r->rows] = k;
    if (max_rows && r->rows > max_rows)
        r->rows = max_rows;
    size_t scored = 0;
    for (size_t i = 0; i < r->rows; i++)
        scored += r->off[i + 1] - r->off[i] > 1 ? r->off[i + 1] - r->off[i] - 1 : 0;
    if (!scored)
        return nb_fail(err, "the token ids hold no sequence of 2 or more tokens: nothing to "
                       "score");
    return true;
}
