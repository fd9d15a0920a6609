/* llama2.c's tokenizer.bin: int32 max_token_length, then for every token a
 * float32 score, an int32 byte length and the bytes. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/tokenizer.h"

static const nb_tokenizer *sort_ctx; /* qsort has no context argument */

static int cmp_piece(const void *a, const void *b)
{
    int i = *(const int *)a, j = *(const int *)b;
    int c = strcmp(sort_ctx->vocab[i], sort_ctx->vocab[j]);
    return c ? c : (i > j) - (i < j);
}

void nb_tokenizer_free(nb_tokenizer *t)
{
    if (t->vocab)
        for (int i = 0; i < t->vocab_size; i++)
            free(t->vocab[i]);
    free(t->vocab);
    free(t->vocab_len);
    free(t->scores);
    free(t->sorted);
    memset(t, 0, sizeof *t);
}

static bool read_exact(FILE *f, void *buf, size_t n)
{
    return fread(buf, 1, n, f) == n;
}

bool nb_tokenizer_load(const char *path, int vocab_size, nb_tokenizer *t, nb_err *err)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f)
        return nb_fail(err, "cannot open the tokenizer %s: %s", path, strerror(errno));
    t->vocab_size = vocab_size;
    t->vocab = calloc((size_t)vocab_size, sizeof *t->vocab);
    t->vocab_len = calloc((size_t)vocab_size, sizeof *t->vocab_len);
    t->scores = calloc((size_t)vocab_size, sizeof *t->scores);
    t->sorted = calloc((size_t)vocab_size, sizeof *t->sorted);
    bool ok = t->vocab && t->vocab_len && t->scores && t->sorted;
    if (!ok)
        nb_fail(err, "out of memory for a vocabulary of %d tokens", vocab_size);
    int32_t mtl = 0;
    if (ok && (!read_exact(f, &mtl, 4) || mtl <= 0 || mtl > 65536))
        ok = nb_fail(err, "%s: the first int32 (max token length) is missing or invalid (%d): "
                     "not a llama2.c tokenizer.bin", path, (int)mtl);
    t->max_token_length = mtl;
    for (int i = 0; ok && i < vocab_size; i++) {
        float score;
        int32_t len;
        if (!read_exact(f, &score, 4) || !read_exact(f, &len, 4)) {
            ok = nb_fail(err, "%s holds %d tokens but the model's vocabulary has %d: give the "
                         "tokenizer the model was trained with", path, i, vocab_size);
            break;
        }
        if (len < 0 || len > mtl) {
            ok = nb_fail(err, "%s: token %d has length %d, outside 0..%d (max token length): "
                         "the file is damaged or not a tokenizer.bin", path, i, (int)len,
                         (int)mtl);
            break;
        }
        t->vocab[i] = malloc((size_t)len + 1);
        if (!t->vocab[i] || !read_exact(f, t->vocab[i], (size_t)len)) {
            ok = nb_fail(err, "%s: token %d is truncated: the file is damaged", path, i);
            break;
        }
        t->vocab[i][len] = '\0';
        if (strlen(t->vocab[i]) != (size_t)len) {
            ok = nb_fail(err, "%s: token %d contains a NUL byte; llama2.c tokenizers never do",
                         path, i);
            break;
        }
        t->vocab_len[i] = len;
        t->scores[i] = score;
    }
    if (ok && fgetc(f) != EOF)
        ok = nb_fail(err, "%s holds more than %d tokens (the model's vocabulary): give the "
                     "tokenizer the model was trained with", path, vocab_size);
    fclose(f);
    if (!ok) {
        nb_tokenizer_free(t);
        return false;
    }
    for (int i = 0; i < vocab_size; i++)
        t->sorted[i] = i;
    sort_ctx = t;
    qsort(t->sorted, (size_t)vocab_size, sizeof *t->sorted, cmp_piece);
    sort_ctx = NULL;
    for (int b = 0; b < 256; b++) {
        char piece[8];
        snprintf(piece, sizeof piece, "<0x%02X>", b);
        t->byte_token[b] = nb_tokenizer_lookup(t, piece, 6);
    }
    return true;
}

int nb_tokenizer_lookup(const nb_tokenizer *t, const char *piece, size_t len)
{
    int lo = 0, hi = t->vocab_size - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2, id = t->sorted[mid];
        size_t vl = (size_t)t->vocab_len[id];
        int c = memcmp(t->vocab[id], piece, vl < len ? vl : len);
        if (c == 0)
            c = (vl > len) - (vl < len);
        if (c == 0) {
            /* the first of equal pieces, as a stable sort would find it */
            while (mid > 0 && strcmp(t->vocab[t->sorted[mid - 1]], t->vocab[id]) == 0)
                id = t->sorted[--mid];
            return id;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Length of the UTF-8 sequence starting at s (1 for a stray byte). */
static size_t utf8_len(const unsigned char *s, size_t left)
{
    size_t n = (*s & 0x80) == 0 ? 1 : (*s & 0xE0) == 0xC0 ? 2 : (*s & 0xF0) == 0xE0 ? 3
             : (*s & 0xF8) == 0xF0 ? 4 : 1;
    if (n > left)
        return 1;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 1;
    return n;
}

static bool push_bytes(const nb_tokenizer *t, const unsigned char *s, size_t n, int *ids,
                       size_t *k, nb_err *err)
{
    int id = nb_tokenizer_lookup(t, (const char *)s, n);
    if (id >= 0) {
        ids[(*k)++] = id;
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        int b = t->byte_token[s[i]];
        if (b < 0)
            return nb_fail(err, "byte 0x%02X has no token and the vocabulary has no byte "
                           "fallback <0x%02X>: this text cannot be encoded with this tokenizer",
                           s[i], s[i]);
        ids[(*k)++] = b;
    }
    return true;
}

bool nb_tokenizer_encode(const nb_tokenizer *t, const char *text, size_t len, bool bos,
                         int **out, size_t *n, nb_err *err)
{
    int *ids = malloc((len + 3) * sizeof *ids);
    char *buf = malloc((size_t)t->max_token_length * 2 + 3);
    if (!ids || !buf) {
        free(ids), free(buf);
        return nb_fail(err, "out of memory encoding %zu bytes", len);
    }
    size_t k = 0;
    bool ok = true;
    if (bos)
        ids[k++] = 1;
    if (len > 0)
        ok = push_bytes(t, (const unsigned char *)" ", 1, ids, &k, err);
    for (size_t i = 0; ok && i < len;) {
        if (text[i] == '\0') {
            ok = nb_fail(err, "the text holds a NUL byte at offset %zu; give plain text", i);
            break;
        }
        size_t cl = utf8_len((const unsigned char *)text + i, len - i);
        ok = push_bytes(t, (const unsigned char *)text + i, cl, ids, &k, err);
        i += cl;
    }
    /* merge the best-scoring adjacent pair until none is in the vocabulary */
    size_t first = bos ? 1 : 0;
    while (ok) {
        float best = 0;
        int best_id = -1;
        size_t best_i = 0;
        for (size_t i = first; i + 1 < k; i++) {
            int a = ids[i], b = ids[i + 1];
            size_t la = (size_t)t->vocab_len[a], lb = (size_t)t->vocab_len[b];
            if (la + lb > (size_t)t->max_token_length)
                continue;
            memcpy(buf, t->vocab[a], la);
            memcpy(buf + la, t->vocab[b], lb);
            int id = nb_tokenizer_lookup(t, buf, la + lb);
            if (id >= 0 && (best_id < 0 || t->scores[id] > best)) {
                best = t->scores[id];
                best_id = id;
                best_i = i;
            }
        }
        if (best_id < 0)
            break;
        ids[best_i] = best_id;
        memmove(ids + best_i + 1, ids + best_i + 2, (k - best_i - 2) * sizeof *ids);
        k--;
    }
    free(buf);
    if (!ok) {
        free(ids);
        return false;
    }
    *out = ids;
    *n = k;
    return true;
}

size_t nb_tokenizer_decode(const nb_tokenizer *t, int prev, int next, char *buf, size_t cap)
{
    if (cap == 0)
        return 0;
    buf[0] = '\0';
    if (next < 0 || next >= t->vocab_size)
        return 0;
    const char *piece = t->vocab[next];
    size_t len = (size_t)t->vocab_len[next];
    if (prev == 1 && piece[0] == ' ')
        piece++, len--;
    unsigned b;
    char tail;
    if (len == 6 && sscanf(piece, "<0x%02X>%c", &b, &tail) == 1 && piece[5] == '>') {
        buf[0] = (char)b;
        buf[cap > 1 ? 1 : 0] = '\0';
        return cap > 1 ? 1 : 0;
    }
    if (len >= cap)
        len = cap - 1;
    memcpy(buf, piece, len);
    buf[len] = '\0';
    return len;
}
