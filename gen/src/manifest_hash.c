/* Content hashes of a manifest and of the files it describes. */
#include <stdlib.h>
#include <string.h>

#include "manifest_hash.h"
#include "nibble/hash.h"

void manifest_hash_bytes(const void *data, size_t len, char out[33])
{
    nb_hash *h = nb_hash_new();
    nb_hash_bytes(h, data, len);
    nb_hash_hex(h, out);
}

bool manifest_config_hash(json_t *doc, char out[33], nb_err *err)
{
    /* a shallow copy: dropping the key there leaves the caller's document whole */
    json_t *copy = json_copy(doc);
    if (!copy)
        return nb_fail(err, "out of memory hashing the manifest");
    json_object_del(copy, NB_MANIFEST_HASHES);
    char *text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    json_decref(copy);
    if (!text)
        return nb_fail(err, "out of memory hashing the manifest");
    manifest_hash_bytes(text, strlen(text), out);
    free(text);
    return true;
}
