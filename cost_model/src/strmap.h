/* A string -> index map (open addressing). Indices count insertions from 0,
 * so callers keep per-key data in their own arrays. */
#ifndef NIBBLE_STRMAP_H
#define NIBBLE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cost_strmap {
    char **keys;  /* by index */
    long *slots;  /* hash slots: index or -1 */
    size_t n, cap; /* cap: number of slots, a power of two */
} cost_strmap;

void cost_strmap_init(cost_strmap *m);
void cost_strmap_free(cost_strmap *m);
/* Index of key, or -1. */
long cost_strmap_find(const cost_strmap *m, const char *key);
/* Index of key, added if new (*added says which); -1 when out of memory. */
long cost_strmap_add(cost_strmap *m, const char *key, bool *added);

#endif
