/* The content hashes a manifest records (see gen/README.md, "Content
 * hashes"): one over the manifest itself, one per file it describes. */
#ifndef NIBBLE_GEN_MANIFEST_HASH_H
#define NIBBLE_GEN_MANIFEST_HASH_H

#include <jansson.h>
#include <stddef.h>

#include "nibble/error.h"

#define NB_MANIFEST_HASHES "hashes"
#define NB_MANIFEST_HASH_ALGORITHM "xxh3-128"

/* XXH3-128 of a buffer, as 32 hex digits (what `xxhsum -H2` prints). */
void manifest_hash_bytes(const void *data, size_t len, char out[33]);

/* XXH3-128 of the manifest's canonical text (compact, keys sorted, reals at
 * 17 digits) without its "hashes" section: every configuration value, derived
 * width, port and format table counts, whitespace and key order do not. */
bool manifest_config_hash(json_t *doc, char out[33], nb_err *err);

#endif
