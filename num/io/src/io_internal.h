/* Shared pieces of the tensor readers: byte sources, dtypes, selection, list. */
#ifndef NIBBLE_IO_INTERNAL_H
#define NIBBLE_IO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nibble/tensor_io.h"

/* A file or a memory buffer, read by offset so large files are never slurped whole. */
typedef struct nb_src {
    const char *what;           /* path or caller's name, first word of every message */
    const unsigned char *buf;   /* memory source, or NULL */
    FILE *fp;                   /* file source, or NULL */
    uint64_t size;
} nb_src;

bool nb_src_read(const nb_src *s, uint64_t off, void *dst, size_t n, nb_err *err);

/* Little-endian integers from raw bytes (host byte order does not matter). */
uint16_t nb_le16(const unsigned char *p);
uint32_t nb_le32(const unsigned char *p);
uint64_t nb_le64(const unsigned char *p);

/* Element types we convert to float32. */
typedef enum nb_dkind { NB_DK_F32, NB_DK_F16, NB_DK_BF16, NB_DK_F64 } nb_dkind;

typedef struct nb_dtype {
    const char *name;   /* safetensors spelling: "F32" ... */
    nb_dkind kind;
    int size;           /* bytes per element */
} nb_dtype;

#define NB_SUPPORTED_DTYPES "F32, F16, BF16, F64"

/* Supported dtype by safetensors name, or NULL. */
const nb_dtype *nb_dtype_find(const char *name);
/* Element size of any safetensors dtype we know (incl. integers we cannot convert), or 0. */
int nb_dtype_any_size(const char *name);

/* Reads `count` elements starting at byte `off` of s and converts them into out. */
bool nb_read_floats(const nb_src *s, uint64_t off, const nb_dtype *dt, bool big_endian,
                    size_t count, float *out, nb_err *err);

/* Product of shape into *count; false if it overflows 64 bits (or times elem_size does). */
bool nb_shape_count(const int64_t *shape, int ndim, uint64_t elem_size, uint64_t *count,
                    uint64_t *bytes);
/* "(3, 4)" style text for messages; "(4,)" for one dimension. */
void nb_shape_text(const int64_t *shape, int ndim, char *buf, size_t len);

/* A parsed selection: patterns, and how many tensors each one matched. */
typedef struct nb_select {
    char **pats;
    int *hits;
    int n;
    char *text;   /* the original selection, for messages */
    bool across;  /* several files: a pattern may miss in one of them */
} nb_select;

bool nb_select_parse(const char *select, nb_select *sel, const char *what, nb_err *err);
/* True when sel is empty (NULL selection) or a pattern matches name; counts hits. */
bool nb_select_match(nb_select *sel, const char *name);
/* Fails, listing the available names, if some pattern matched nothing. */
bool nb_select_check(const nb_select *sel, const char *what, const char *const *names, int n,
                     nb_err *err);
void nb_select_free(nb_select *sel);

/* Appends a zeroed tensor; NULL (with err) when out of memory. */
nb_tensor *nb_list_push(nb_tensor_list *l, const char *what, nb_err *err);

/* One tensor as described by a safetensors header, validated but not yet read. */
typedef struct nb_st_entry {
    char name[NB_TENSOR_NAME_MAX];
    char dtype[16];
    int ndim;
    int64_t shape[NB_TENSOR_MAX_DIMS];
    uint64_t count;
    uint64_t begin, end;   /* relative to the data buffer */
} nb_st_entry;

/* Parses and validates the JSON header text[0..len) against a data buffer of data_len
 * bytes; returns a malloc'd array of *n entries (metadata skipped), unsorted. */
bool nb_st_parse_header(const char *text, size_t len, uint64_t data_len, const char *what,
                        nb_st_entry **entries, int *n, nb_err *err);

/* Format readers. They append to out; on failure the caller frees out. */
bool nb_safetensors_read(const nb_src *s, nb_select *sel, nb_tensor_list *out, nb_err *err);
bool nb_npy_read(const nb_src *s, const char *name, nb_select *sel, nb_tensor_list *out,
                 nb_err *err);

/* The dictionary at the start of a .npy file. */
typedef struct nb_npy_header {
    char descr[16];
    bool fortran_order;
    int ndim;
    int64_t shape[NB_TENSOR_MAX_DIMS];
} nb_npy_header;

/* Parses the Python dict literal text[0..len); `base` is its byte offset in the file. */
bool nb_npy_parse_header(const char *text, size_t len, const char *what, uint64_t base,
                         nb_npy_header *h, nb_err *err);

#endif
