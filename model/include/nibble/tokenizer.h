/* llama2.c's tokenizer.bin: a SentencePiece-style BPE vocabulary with merge
 * scores, byte fallback tokens <0xXX>, a dummy-prefix space and BOS = 1; and
 * pre-tokenized token ids from a .npy file, for every other tokenizer. */
#ifndef NIBBLE_TOKENIZER_H
#define NIBBLE_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>

#include "nibble/error.h"

typedef struct nb_tokenizer {
    int vocab_size;
    int max_token_length;
    char **vocab;          /* NUL-terminated pieces (a piece holds no NUL byte) */
    int *vocab_len;        /* byte length of each piece */
    float *scores;         /* merge scores: the higher, the earlier the merge */
    int *sorted;           /* token ids sorted by piece, for lookup */
    int byte_token[256];   /* id of <0xXX>, or -1 */
} nb_tokenizer;

/* Read a tokenizer.bin written for a model with vocab_size tokens (the file
 * must hold exactly that many: a different vocabulary is an error). */
bool nb_tokenizer_load(const char *path, int vocab_size, nb_tokenizer *t, nb_err *err);
void nb_tokenizer_free(nb_tokenizer *t);

/* Id of a piece, or -1. */
int nb_tokenizer_lookup(const nb_tokenizer *t, const char *piece, size_t len);

/* Encode text as llama2.c does: optional BOS, the dummy-prefix space (when the
 * text is not empty), code points looked up whole or as byte tokens, then BPE
 * merges by highest score (the leftmost pair on ties). *out is malloc'd. */
bool nb_tokenizer_encode(const nb_tokenizer *t, const char *text, size_t len, bool bos,
                         int **out, size_t *n, nb_err *err);

/* The bytes token `next` stands for after `prev` (<0xXX> is the byte; the
 * leading space of a piece after BOS is dropped). Writes up to cap - 1 bytes
 * and a NUL; returns the length. */
size_t nb_tokenizer_decode(const nb_tokenizer *t, int prev, int next, char *buf, size_t cap);

/* Pre-tokenized input: a .npy of int32 or int64 ids, shape (n,) = one stream
 * or (rows, n) = one sequence per row (negative ids pad a row's end). Rows
 * come back as offsets into one id array: row r is ids[off[r] .. off[r+1]). */
typedef struct nb_token_rows {
    int *ids;
    size_t *off;
    size_t rows;
} nb_token_rows;

bool nb_tokens_load_npy(const char *path, nb_token_rows *out, nb_err *err);
void nb_token_rows_free(nb_token_rows *r);

#endif
