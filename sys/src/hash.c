/* A running 128-bit content hash (XXH3) over strings and files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "nibble/hash.h"

struct nb_hash {
    XXH3_state_t *state;
};

nb_hash *nb_hash_new(void)
{
    nb_hash *h = malloc(sizeof *h);
    if (!h)
        abort();
    h->state = XXH3_createState();
    XXH3_128bits_reset(h->state);
    return h;
}

void nb_hash_str(nb_hash *h, const char *s)
{
    XXH3_128bits_update(h->state, s, strlen(s) + 1);
}

void nb_hash_bytes(nb_hash *h, const void *data, size_t len)
{
    XXH3_128bits_update(h->state, data, len);
}

bool nb_hash_file(nb_hash *h, const char *path, nb_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return nb_fail(err, "cannot read %s: %s", path, strerror(errno));
    char buf[65536];
    size_t n;
    /* the name, not the directory: the same design generated elsewhere hits the cache */
    const char *base = strrchr(path, '/');
    nb_hash_str(h, base ? base + 1 : path);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        XXH3_128bits_update(h->state, buf, n);
    fclose(f);
    return true;
}

void nb_hash_hex(nb_hash *h, char out[33])
{
    XXH128_hash_t d = XXH3_128bits_digest(h->state);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)d.high64, (unsigned long long)d.low64);
    XXH3_freeState(h->state);
    free(h);
}

