/* A running 128-bit content hash (XXH3), for caches and manifests. */
#ifndef NIBBLE_HASH_H
#define NIBBLE_HASH_H

#include <stdbool.h>
#include <stddef.h>

#include "nibble/error.h"

typedef struct nb_hash nb_hash;
nb_hash *nb_hash_new(void);
void nb_hash_str(nb_hash *h, const char *s);
/* Adds raw bytes (no terminator): over a whole file's contents alone, the
 * digest equals `xxhsum -H2` (XXH128) of that file. */
void nb_hash_bytes(nb_hash *h, const void *data, size_t len);
/* Adds the file's name (not its directory) and its contents. */
bool nb_hash_file(nb_hash *h, const char *path, nb_err *err);
/* Finish: 32 hex digits into out[33]; frees h. */
void nb_hash_hex(nb_hash *h, char out[33]);

#endif
