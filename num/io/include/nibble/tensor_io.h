/* Reading float tensors from .safetensors and .npy files (see num/io/README.md).
 * Every tensor comes back converted to float32 in a malloc'd buffer. */
#ifndef NIBBLE_TENSOR_IO_H
#define NIBBLE_TENSOR_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nibble/error.h"

#define NB_TENSOR_MAX_DIMS 8
#define NB_TENSOR_NAME_MAX 256

typedef struct nb_tensor {
    char name[256];
    char dtype[8];        /* "F32", "F16", "BF16", "F64" as stored ("<f4" in .npy -> "F32") */
    int ndim;             /* 0 for a scalar */
    int64_t shape[8];
    size_t count;         /* product of shape */
    float *data;          /* converted to float32, malloc'd (never NULL, even if count is 0) */
} nb_tensor;

typedef struct nb_tensor_list {
    nb_tensor *items;
    int n;
} nb_tensor_list;

/* Load tensors from a .safetensors or .npy file (chosen by content magic, not only extension).
 * select: NULL = all tensors; else a comma-separated list of names or fnmatch globs; a
 * selection that matches nothing is an error listing the available names (first ~20).
 * Every comma-separated pattern must match at least one tensor, so a typo is never silent.
 * For .npy the tensor name is the file's basename without extension. Tensors are returned
 * in file order (safetensors: sorted by data offset, deterministic). On failure nothing is
 * returned (out is emptied) and err says what/where/what to do.
 * *out is overwritten, not freed: pass an empty list. */
bool nb_tensors_load(const char *path, const char *select, nb_tensor_list *out, nb_err *err);

/* The selected tensors of several files, in file order: each pattern must
 * match a tensor in at least one file (a name in one file need not exist in
 * the others). All or nothing, as above. */
bool nb_tensors_load_files(const char *const *paths, int n, const char *select,
                           nb_tensor_list *out, nb_err *err);

/* Same, from a memory buffer (for the fuzzer); `what` names it in messages and, for .npy,
 * gives the tensor name (basename without extension). */
bool nb_tensors_load_mem(const unsigned char *buf, size_t len, const char *what,
                         const char *select, nb_tensor_list *out, nb_err *err);

/* Frees every tensor's data and the list; leaves *l empty. NULL is fine. */
void nb_tensor_list_free(nb_tensor_list *l);

/* Exact, incl. subnormals, inf, NaN (payload kept, made quiet). */
float nb_f16_to_f32(uint16_t h);
float nb_bf16_to_f32(uint16_t b);

#endif
